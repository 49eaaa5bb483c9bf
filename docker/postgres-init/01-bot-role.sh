#!/bin/sh
# Runs once, when the postgres image initialises an empty data volume (/docker-entrypoint-initdb.d),
# as the superuser POSTGRES_USER, on the database POSTGRES_DB it has just created.
#
# The bot and the worker connect as DATABASE_USER, a role of their own: it can log in and owns
# POSTGRES_DB (so its public schema, where Flyway creates the tables), and nothing else. It is not
# a superuser, so it cannot run programs on the server (COPY ... TO PROGRAM), read the server's
# files or create roles and databases. The superuser's password (POSTGRES_PASSWORD) stays out of
# the bot's containers. Passwords reach SQL as psql variables (:'name'), quoted by psql.
set -eu

: "${DATABASE_USER:?DATABASE_USER: the bot's role}"
: "${DATABASE_PASSWORD:?DATABASE_PASSWORD: the bot's password}"

psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v role="$DATABASE_USER" -v password="$DATABASE_PASSWORD" -v database="$POSTGRES_DB" <<'SQL'
CREATE ROLE :"role" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'password';
ALTER DATABASE :"database" OWNER TO :"role";
-- PostgreSQL 15 and later: the public schema belongs to pg_database_owner, the database's owner.
-- No other role may connect to it (the owner keeps every right on it).
REVOKE ALL ON DATABASE :"database" FROM PUBLIC;
SQL
