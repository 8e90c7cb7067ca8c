-- Creates promptly's role and database. Run once, as a superuser, with the password taken
-- from the site's secret store (never committed), e.g. from the Secret promptly-postgres:
--   psql -h postgres.promptly.svc -U postgres -v ON_ERROR_STOP=1 \
--        -v promptly_password="$PROMPTLY_DB_PASSWORD" -f deploy/postgres/init.sql
-- The URL in that Secret is then postgres://promptly:<password>@postgres.promptly.svc:5432/promptly.
\set ON_ERROR_STOP on
\if :{?promptly_password}
\else
  SELECT 'set the password: psql -v promptly_password=... -f init.sql' AS usage;
  DO $$ BEGIN RAISE EXCEPTION 'psql variable promptly_password is not set'; END $$;
\endif

CREATE ROLE promptly LOGIN PASSWORD :'promptly_password';
CREATE DATABASE promptly OWNER promptly ENCODING 'UTF8' TEMPLATE template0;
\connect promptly
-- promptly creates its schema (centralRepo.registry.schema) and tables on first start, under
-- a migration lock; the role owns the database, so it may.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
