-- The compose stack's database roles, created once on a fresh volume (docker-entrypoint-initdb.d).
-- Passwords are examples, not secrets. checkout_saga_owner owns the tables: the migrate service
-- connects as it (DATABASE_OWNER_URL), and with CREATEROLE it creates the NOLOGIN group role
-- checkout_saga_runtime and grants it to checkout_saga_app, the API's and the worker's login
-- (DATABASE_URL), which owns nothing (README, Access).
CREATE ROLE checkout_saga_owner LOGIN CREATEROLE PASSWORD 'owner';
CREATE ROLE checkout_saga_app LOGIN PASSWORD 'app';
ALTER DATABASE checkout_saga OWNER TO checkout_saga_owner;
