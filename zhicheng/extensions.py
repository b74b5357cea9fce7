"""Extensions created once and bound to the app in create_app() (Flask-Migrate: cli.init_migrate)."""
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import DDL, Index, MetaData, event
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

# Substring searches (Flask-Admin's search box and the 包含 filters: ILIKE '%…%') use pg_trgm GIN
# indexes on PostgreSQL; the extension is created before create_all() creates them (the
# migrations create it themselves). SQLite has neither.
event.listen(Base.metadata, "before_create",
             DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"))


def trgm_index(column) -> Index:
    """A pg_trgm GIN index on `column` (ix_<table>_<column>_trgm), created on PostgreSQL only."""
    name = f"ix_{column.table.name}_{column.name}_trgm"
    return Index(name, column, postgresql_using="gin",
                 postgresql_ops={column.name: "gin_trgm_ops"}).ddl_if(dialect="postgresql")


def char_pairs(column):
    """The text with every character doubled (王明华 → 王王明明华华), for a trigram index that also
    finds two-character terms (明华 → 明明华华 has trigrams; 明华 itself has none)."""
    from sqlalchemy import func
    return func.regexp_replace(column, "(.)", r"\1\1", "g")


def include_object_for(dialect_name: str):
    """Alembic's include_object for a database of `dialect_name`: a model's object created on
    other dialects only (.ddl_if(dialect=…)) is not expected there (autogenerate would otherwise
    want the PostgreSQL-only indexes on SQLite)."""

    def include_object(obj, name, type_, reflected, compare_to):
        ddl_if = getattr(obj, "_ddl_if", None)
        if reflected or ddl_if is None or ddl_if.dialect is None:
            return True
        dialects = (ddl_if.dialect,) if isinstance(ddl_if.dialect, str) else tuple(ddl_if.dialect)
        return dialect_name in dialects

    return include_object


login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
babel = Babel()
