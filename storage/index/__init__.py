"""The metadata index: SQLAlchemy tables and the queries over them (SQLite or PostgreSQL)."""
