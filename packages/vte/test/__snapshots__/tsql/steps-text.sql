select "d"."Index_GUID" as "indexGuid", "d"."TestStepNumber" as "stepNumber", "d"."TestName" as "name", "d"."TestDescription" as "description", "d"."TestNumber" as "testNumber", "d"."TestUnits" as "units", "d"."TestResult" as "value", "d"."TestResultType" as "resultType" from "dbo"."TestDataText" as "d" where "d"."Index_GUID" in (@1, @2) order by "d"."Index_GUID", "d"."TestStepNumber"

-- parameters: ["0f8fad5b-d9cb-469f-a165-70867728950e","7c9e6679-7425-40de-944b-e07fc1f90ae7"]
