select top(1) "i"."Index_GUID" as "indexGuid", convert(varchar(27), "i"."Timestamp", 126) as "timestamp" from "dbo"."IndexData" as "i" order by "i"."Timestamp" desc, "i"."Index_GUID" desc

-- parameters: []
