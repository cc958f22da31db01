-- Runs once, when the postgres container initialises an empty data volume.
-- Creates the application's database. Temporal's own databases (`temporal`,
-- `temporal_visibility`) are created by temporalio/auto-setup on first start.
SELECT 'CREATE DATABASE hookline'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'hookline')\gexec
