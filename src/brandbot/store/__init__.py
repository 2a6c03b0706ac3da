"""App records (SQLAlchemy): SQLite in the data directory by default, PostgreSQL at scale."""
