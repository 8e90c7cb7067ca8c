-- Run once as a superuser. The password comes from the site's secret store:
--   psql -v promptly_password="$(cat /run/secrets/promptly)" -f init.sql
CREATE ROLE promptly LOGIN PASSWORD :'promptly_password';
CREATE DATABASE promptly OWNER promptly;
\connect promptly
-- promptly creates its schema (centralRepo.registry.schema) and tables on first start.
GRANT CREATE ON DATABASE promptly TO promptly;
