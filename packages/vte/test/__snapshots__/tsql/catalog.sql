select "c"."TABLE_NAME" as "tableName", "c"."COLUMN_NAME" as "columnName" from "INFORMATION_SCHEMA"."COLUMNS" as "c" where "c"."TABLE_SCHEMA" = @1

-- parameters: ["dbo"]
