/*
  Least-privilege login for the tswats VTE adapter (Microsoft SQL Server 2012 or later).

  The adapter only SELECTs from the tables below and never reads Users.Password. This script
  grants exactly that: SELECT on the mapped tables, and an explicit DENY on the password column
  (a DENY wins over any GRANT, including one made later through a role).

  Before running it:
    - Replace VTE9_3 with your VTE database, and the password with a strong one (or use a
      Windows login: CREATE LOGIN [DOMAIN\svc_tswats] FROM WINDOWS, then FOR LOGIN [DOMAIN\svc_tswats]).
    - If your installation uses other table names (config mapping.tables.*), edit the GRANTs.
    - Not tested against a live SQL Server from here (no SQL Server was available); review it.
*/
USE [master];
GO
IF NOT EXISTS (SELECT 1 FROM sys.server_principals WHERE name = N'tswats_vte_reader')
  CREATE LOGIN [tswats_vte_reader]
    WITH PASSWORD = N'<change me: a long random password>',
         DEFAULT_DATABASE = [VTE9_3],
         CHECK_POLICY = ON,
         CHECK_EXPIRATION = OFF;
GO

USE [VTE9_3];
GO
IF NOT EXISTS (SELECT 1 FROM sys.database_principals WHERE name = N'tswats_vte_reader')
  CREATE USER [tswats_vte_reader] FOR LOGIN [tswats_vte_reader] WITH DEFAULT_SCHEMA = [dbo];
GO

-- Run data.
GRANT SELECT ON OBJECT::[dbo].[IndexData]          TO [tswats_vte_reader];
GRANT SELECT ON OBJECT::[dbo].[UutData]            TO [tswats_vte_reader];
GRANT SELECT ON OBJECT::[dbo].[TestDataNumeric]    TO [tswats_vte_reader];
GRANT SELECT ON OBJECT::[dbo].[TestDataText]       TO [tswats_vte_reader];
GRANT SELECT ON OBJECT::[dbo].[TestDataOther]      TO [tswats_vte_reader];
-- Master data.
GRANT SELECT ON OBJECT::[dbo].[Products]           TO [tswats_vte_reader];
GRANT SELECT ON OBJECT::[dbo].[Testplans]          TO [tswats_vte_reader];
GRANT SELECT ON OBJECT::[dbo].[TestplanRevisions]  TO [tswats_vte_reader];
GRANT SELECT ON OBJECT::[dbo].[TestSystems]        TO [tswats_vte_reader];
-- Users: only the columns the adapter reads; the password is denied outright.
GRANT SELECT ON OBJECT::[dbo].[Users] ([User_GUID], [UserName]) TO [tswats_vte_reader];
DENY  SELECT ON OBJECT::[dbo].[Users] ([Password])  TO [tswats_vte_reader];
-- Repairs (leave out if repairs.enabled is false).
GRANT SELECT ON OBJECT::[dbo].[RepairData]         TO [tswats_vte_reader];
GRANT SELECT ON OBJECT::[dbo].[RepairActions]      TO [tswats_vte_reader];
GRANT SELECT ON OBJECT::[dbo].[RepairFailureCodes] TO [tswats_vte_reader];
GRANT SELECT ON OBJECT::[dbo].[RepairActionCodes]  TO [tswats_vte_reader];
-- Schema check: `introspect()` reads INFORMATION_SCHEMA.COLUMNS, which lists only objects the
-- user has a permission on; the GRANTs above are enough. A table missing from them is reported
-- as "not found" by `tswats vte check`. VIEW DEFINITION adds metadata only, no data.
GRANT VIEW DEFINITION ON SCHEMA::[dbo] TO [tswats_vte_reader];
-- Nothing else: no db_datareader (it would include Users.Password were the DENY ever dropped),
-- no INSERT/UPDATE/DELETE/EXECUTE.
GO
