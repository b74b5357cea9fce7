"""A list page read as plain rows (PlainRow) instead of ORM objects: read_plain_rows."""
from __future__ import annotations

import functools

from sqlalchemy import bindparam, select
from sqlalchemy.orm import aliased

from zhicheng.extensions import db


class PlainRow:
    """One row of a list page read as plain values instead of an ORM object: the columns the
    list reads and its related rows (PlainRows themselves, or None) are attributes, and the
    model's own Python properties (`state_label`) work on them. Anything else is read from the
    ORM object, loaded by primary key on first use, as a lazy load would: a formatter that needs
    more still gets it, at the price of a statement (the query-count tests show it). Building
    ORM objects was most of a list page's SQLAlchemy time."""

    def __init__(self, cls, values: dict, load):
        self.__dict__.update(values)  # plain attribute look-ups for the values
        self._zc_cls, self._zc_load, self._zc_obj = cls, load, None

    def __getattr__(self, name: str):  # only for what the values do not hold
        if name.startswith(("__", "_zc_")):  # protocol look-ups (__html__ …)
            raise AttributeError(name)
        prop = _python_property(self._zc_cls, name)
        if prop is not None:
            return prop.fget(self)
        if self._zc_obj is None:
            self._zc_obj = self._zc_load()
        return getattr(self._zc_obj, name)

    def __repr__(self) -> str:
        return f"<PlainRow {self._zc_cls.__name__} {self.__dict__.get('id')}>"


@functools.cache
def _python_property(cls, name: str) -> property | None:
    for klass in cls.__mro__:
        if name in klass.__dict__:
            attr = klass.__dict__[name]
            return attr if isinstance(attr, property) else None
    return None


@functools.cache
def _alias(model, path: str):
    """The related table at `path` from `model` ("project", "material.unit") under a name of its
    own, built once: building an alias (aliased()) costs more than running the statement it joins."""
    for name in path.split("."):
        model = getattr(model, name).property.mapper.class_
    return aliased(model)


@functools.cache
def _related_by_ids(target, columns: tuple[str, ...]):
    """The related rows of a page by their primary keys, built once (SQLAlchemy keeps its cache
    key with it)."""
    return select(target.id, *(getattr(target, c) for c in columns)).where(
        target.id.in_(bindparam("ids", expanding=True)))


def execute_plain(statement, params=None):
    """A select of plain columns on the session's connection, in its transaction (pending changes
    flushed first, as the session would): the session's execute builds an ORM result around it."""
    db.session.flush()
    return db.session.connection().execute(statement, params)


def read_plain_rows(model, statement, relations: dict[str, tuple[str, ...]], joined: bool | None = None
                    ) -> list[PlainRow]:
    """The rows of `statement` (a select of plain columns of `model`, with its id and the foreign
    keys of `relations`; sorted and paged) as PlainRows, with the related rows of `relations`
    ({many-to-one relationship: its columns}; a relationship of a related row by its path,
    "material.unit", after its parent). On PostgreSQL the related columns are joined into the
    statement (its planner joins by primary key after the sort and the LIMIT); SQLite would join
    every match before sorting, so there each relationship's rows come in one more statement by
    their primary keys, unless `joined` (a statement of few rows)."""
    if joined is None:
        joined = db.engine.dialect.name == "postgresql"
    keys = [c.key for c in statement.selected_columns]
    plan = []  # (path, parent path, name, foreign key, target, columns read)
    targets = {"": model}
    for path, columns in relations.items():
        parent, _, name = path.rpartition(".")
        prop = getattr(targets[parent], name).property
        (fk,) = prop.local_columns
        targets[path] = prop.mapper.class_
        plan.append([path, parent, name, fk, prop.mapper.class_, tuple(columns)])
    for step in plan:  # a parent read by primary keys brings its children's foreign keys
        step[5] += tuple(child[3].key for child in plan if child[1] == step[0] and child[3].key not in step[5])
    if joined:
        aliases, outer = {"": model}, {"": False}
        for path, parent, _name, fk, _target, columns in plan:
            alias = aliases[path] = _alias(model, path)
            outer[path] = outer[parent] or fk.nullable
            condition = alias.id == getattr(aliases[parent], fk.key)
            statement = statement.outerjoin(alias, condition) if outer[path] else statement.join(alias, condition)
            statement = statement.add_columns(alias.id, *(getattr(alias, c) for c in columns))
    result = execute_plain(statement).all()
    by_id: dict[str, dict] = {}  # SQLite: each relationship's rows of the page by primary key
    if not joined:
        parents = {"": [dict(zip(keys, row)) for row in result]}
        for path, parent, _name, fk, target, columns in plan:
            ids = list({values[fk.key] for values in parents[parent]} - {None})
            by_id[path] = {r[0]: {"id": r[0], **dict(zip(columns, r[1:]))} for r in
                           (execute_plain(_related_by_ids(target, columns), {"ids": ids}) if ids else ())}
            parents[path] = list(by_id[path].values())
    session = db.session
    rows = []
    for row in result:
        found = {"": dict(zip(keys, row))}
        at = len(keys)
        for path, parent, _name, fk, _target, columns in plan:
            if joined:
                pk = row[at]
                found[path] = None if pk is None else {"id": pk, **dict(zip(columns, row[at + 1:at + 1 + len(columns)]))}
                at += 1 + len(columns)
            else:
                up = found[parent]
                found[path] = None if up is None or up[fk.key] is None else dict(by_id[path][up[fk.key]])
        for path, parent, name, _fk, target, _columns in reversed(plan):  # children into their parents
            values = found[path]
            if found[parent] is not None:
                found[parent][name] = None if values is None else PlainRow(
                    target, values, functools.partial(session.get, target, values["id"]))
        values = found[""]
        rows.append(PlainRow(model, values, functools.partial(session.get, model, values["id"])))
    return rows
