/**
 * The VTE 9.31-shaped schema for PostgreSQL: the 21 tables with the names the mapping
 * defaults to, as quoted mixed-case identifiers (as VTE writes them on SQL Server). Column types
 * follow SQL Server's: uniqueidentifier → uuid, datetime → timestamp(3), float → double
 * precision, nvarchar → varchar, varbinary → bytea. Reconstructed, not verified (docs/vte.md).
 */

/** Something that runs SQL: a `pg.Pool` or `pg.Client`. */
export interface Queryable {
  query(text: string, values?: unknown[]): Promise<unknown>;
}

const stepTable = (name: string, resultType: string, limits: boolean) => `
CREATE TABLE "${name}" (
  "Index_GUID" uuid NOT NULL REFERENCES "IndexData" ("Index_GUID"),
  "TestStepNumber" integer NOT NULL,
  "TestName" varchar(100),
  "TestDescription" varchar(255),
  "TestNumber" varchar(20),
  "TestUnits" varchar(20),
  "TestResult" ${resultType},${limits ? '\n  "LowLimit" double precision,\n  "HighLimit" double precision,' : ''}
  "TestResultType" integer
);
CREATE INDEX "IX_${name}_Index_GUID" ON "${name}" ("Index_GUID", "TestStepNumber");`;

/** The DDL, in dependency order. */
export const VTE_POSTGRES_DDL = `
CREATE TABLE "Products" ("Product_GUID" uuid PRIMARY KEY, "ProductName" varchar(100) NOT NULL, "ProductType" varchar(50), "ProductVersion" varchar(50));
CREATE TABLE "Testplans" ("Testplan_GUID" uuid PRIMARY KEY, "TestplanName" varchar(100) NOT NULL, "TestplanVariant" varchar(50));
CREATE TABLE "TestplanRevisions" ("TestplanRevision_GUID" uuid PRIMARY KEY, "Testplan_GUID" uuid NOT NULL REFERENCES "Testplans", "TestplanRevision" varchar(30) NOT NULL, "Created" timestamp(3));
CREATE TABLE "TestSystems" ("Testsystem_GUID" uuid PRIMARY KEY, "TestsystemName" varchar(100) NOT NULL, "Hostname" varchar(100), "Site" varchar(100));
CREATE TABLE "TestsystemComponents" ("Component_GUID" uuid PRIMARY KEY, "Testsystem_GUID" uuid NOT NULL REFERENCES "TestSystems", "ComponentName" varchar(100), "SerialNumber" varchar(100), "CalibrationInterval" integer, "NextCalibration" timestamp(3));
CREATE TABLE "Users" ("User_GUID" uuid PRIMARY KEY, "UserName" varchar(50) NOT NULL, "Password" varchar(128), "Authority" integer);
CREATE TABLE "UserRegistrations" ("User_GUID" uuid NOT NULL REFERENCES "Users", "Testsystem_GUID" uuid NOT NULL REFERENCES "TestSystems", "Timestamp" timestamp(3));
CREATE TABLE "ProductRegistrations" ("Product_GUID" uuid NOT NULL REFERENCES "Products", "Testsystem_GUID" uuid REFERENCES "TestSystems", "Testplan_GUID" uuid REFERENCES "Testplans", "TestplanRevision_GUID" uuid REFERENCES "TestplanRevisions");
CREATE TABLE "RepairFailureCodes" ("RepairFailureCode_GUID" uuid PRIMARY KEY, "FailureCode" varchar(50) NOT NULL, "FailureCategory" varchar(50), "Description" varchar(255));
CREATE TABLE "RepairActionCodes" ("RepairActionCode_GUID" uuid PRIMARY KEY, "ActionCode" varchar(50) NOT NULL, "Description" varchar(255));
CREATE TABLE "UutData" ("Uut_GUID" uuid PRIMARY KEY, "Serial" varchar(100), "Product_GUID" uuid REFERENCES "Products", "Testsystem_GUID" uuid, "Testplan_GUID" uuid, "TestplanRevision_GUID" uuid, "User_GUID" uuid, "Created" timestamp(3));
CREATE TABLE "UutHistory" ("Uut_GUID" uuid NOT NULL REFERENCES "UutData", "Timestamp" timestamp(3), "Event" varchar(100));
CREATE TABLE "AssemblyData" ("Uut_GUID" uuid NOT NULL REFERENCES "UutData", "SubSerial" varchar(100), "SubProduct" varchar(100));
CREATE TABLE "IndexData" (
  "Index_GUID" uuid PRIMARY KEY,
  "Uut_GUID" uuid NOT NULL REFERENCES "UutData",
  "Product_GUID" uuid REFERENCES "Products",
  "Testplan_GUID" uuid REFERENCES "Testplans",
  "TestplanRevision_GUID" uuid REFERENCES "TestplanRevisions",
  "Testsystem_GUID" uuid REFERENCES "TestSystems",
  "User_GUID" uuid REFERENCES "Users",
  "Timestamp" timestamp(3) NOT NULL,
  "ExitCode" integer,
  "Result" integer NOT NULL,
  "TestTime" double precision,
  "Hostname" varchar(100),
  "Site" varchar(100),
  "UserName" varchar(50),
  "ProductName" varchar(100),
  "TestplanName" varchar(100),
  "TestplanVariant" varchar(50),
  "TestplanRevision" varchar(30),
  "Info1" varchar(255),
  "Info2" varchar(255),
  "Info3" varchar(255)
);
CREATE INDEX "IX_IndexData_Timestamp" ON "IndexData" ("Timestamp", "Index_GUID");
${stepTable('TestDataNumeric', 'double precision', true)}
${stepTable('TestDataText', 'varchar(4000)', false)}
${stepTable('TestDataOther', 'bytea', false)}
CREATE TABLE "RepairData" ("Repair_GUID" uuid PRIMARY KEY, "Index_GUID" uuid NOT NULL, "RepairFailureCode_GUID" uuid REFERENCES "RepairFailureCodes", "Timestamp" timestamp(3) NOT NULL, "UserName" varchar(50), "Comment" varchar(1000));
CREATE INDEX "IX_RepairData_Timestamp" ON "RepairData" ("Timestamp", "Repair_GUID");
CREATE TABLE "RepairActions" ("RepairAction_GUID" uuid PRIMARY KEY, "Repair_GUID" uuid NOT NULL REFERENCES "RepairData", "RepairActionCode_GUID" uuid REFERENCES "RepairActionCodes", "Component" varchar(50), "Comment" varchar(1000), "Timestamp" timestamp(3));
CREATE TABLE "RepairSyndromes" ("RepairSyndrome_GUID" uuid PRIMARY KEY, "Syndrome" varchar(100));
CREATE TABLE "RepairSyndromeCauses" ("RepairSyndrome_GUID" uuid NOT NULL REFERENCES "RepairSyndromes", "Cause" varchar(100));
`;

/** Creates the VTE-shaped tables in the current database's `public` schema. */
export async function createVteSchema(db: Queryable): Promise<void> {
  await db.query(VTE_POSTGRES_DDL);
}
