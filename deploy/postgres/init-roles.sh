#!/bin/sh
# Creates the database logins ExitBot runs with, once, when the Postgres container initialises an empty
# data directory (docker-entrypoint-initdb.d). Run by hand against any Postgres with PGHOST etc. set:
#   POSTGRES_USER=postgres POSTGRES_DB=exitbot EXITBOT_MIGRATOR_PASSWORD=... EXITBOT_DB_PASSWORD=... \
#     sh deploy/postgres/init-roles.sh
#
# - exitbot_owner, exitbot_app, exitbot_worker: the roles the server's migrations expect (no login).
# - the migrator login (default exitbot_migrator): owns the database, runs `exitbot migrate`; a member of
#   the three roles, so it can hand the tables to exitbot_owner. Not a superuser.
# - the runtime login (default exitbot): what the server connects with. A member of exitbot_app and
#   exitbot_worker only: it neither owns a table nor bypasses row-level security, and cannot run DDL.
# Idempotent: a second run only resets the two passwords.
set -eu

: "${POSTGRES_USER:=postgres}"
: "${POSTGRES_DB:=exitbot}"
: "${EXITBOT_MIGRATOR_USER:=exitbot_migrator}"
: "${EXITBOT_DB_USER:=exitbot}"
: "${EXITBOT_MIGRATOR_PASSWORD:?set EXITBOT_MIGRATOR_PASSWORD}"
: "${EXITBOT_DB_PASSWORD:?set EXITBOT_DB_PASSWORD}"

psql -v ON_ERROR_STOP=1 --no-psqlrc --quiet --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v db="$POSTGRES_DB" \
  -v migrator="$EXITBOT_MIGRATOR_USER" -v migrator_password="$EXITBOT_MIGRATOR_PASSWORD" \
  -v runtime="$EXITBOT_DB_USER" -v runtime_password="$EXITBOT_DB_PASSWORD" <<'SQL'
-- The three roles, with the attributes the server's migrations give them.
select format('create role %I nologin nobypassrls', name)
from unnest(array['exitbot_owner', 'exitbot_app', 'exitbot_worker']) as name
where not exists (select 1 from pg_roles where rolname = name) \gexec

-- The two logins: neither superuser, nor allowed to create roles or databases, nor to bypass RLS.
select format('create role %I login nosuperuser nocreatedb nocreaterole nobypassrls', login)
from unnest(array[:'migrator', :'runtime']) as login
where not exists (select 1 from pg_roles where rolname = login) \gexec
select format('alter role %I password %L', :'migrator', :'migrator_password') \gexec
select format('alter role %I password %L', :'runtime', :'runtime_password') \gexec

grant exitbot_owner, exitbot_app, exitbot_worker to :"migrator";
grant exitbot_app, exitbot_worker to :"runtime";

-- The migrator owns the database and its public schema, where it creates the tables before handing them
-- to exitbot_owner.
alter database :"db" owner to :"migrator";
alter schema public owner to :"migrator";
-- The server checks at start that every migration is applied (it reads kysely_migration): tables the
-- migrator creates are readable by exitbot_app, which the migrations grant on every table anyway.
alter default privileges for role :"migrator" in schema public grant select on tables to exitbot_app;
SQL
