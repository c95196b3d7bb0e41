"""The test PostgreSQL server: real, of the installed version, one fresh database per test."""

from __future__ import annotations

from sqlalchemy import create_engine, inspect, text

from tests.postgres import PostgresServer


def test_a_table_round_trips_on_the_installed_server(
    postgres_url: str, postgres_server: PostgresServer
) -> None:
    engine = create_engine(postgres_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE parts (id serial PRIMARY KEY, name text)"))
            connection.execute(text("INSERT INTO parts (name) VALUES ('bracket'), ('flange')"))
        with engine.connect() as connection:
            names = connection.execute(text("SELECT name FROM parts ORDER BY id")).scalars()
            assert list(names) == ["bracket", "flange"]
            version = connection.execute(text("SHOW server_version")).scalar_one()
        assert version.startswith(f"{postgres_server.major_version}.")
    finally:
        engine.dispose()


def test_each_database_is_separate(postgres_url: str, postgres_server: PostgresServer) -> None:
    other_url = postgres_server.create_database("test_separate_other")
    first, other = create_engine(postgres_url), create_engine(other_url)
    try:
        with first.begin() as connection:
            connection.execute(text("CREATE TABLE only_here (id int)"))
        assert other_url != postgres_url
        assert inspect(first).has_table("only_here")
        assert not inspect(other).has_table("only_here")
    finally:
        first.dispose()
        other.dispose()
        postgres_server.drop_database("test_separate_other")


def test_hub_db_url_opens_a_writable_database(hub_db_url: str) -> None:
    engine = create_engine(hub_db_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE probe (id int)"))
            connection.execute(text("INSERT INTO probe VALUES (7)"))
        with engine.connect() as connection:
            assert connection.execute(text("SELECT id FROM probe")).scalar_one() == 7
    finally:
        engine.dispose()
