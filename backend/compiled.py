"""Querysets compiled to SQL once per process, then run with each call's values: the read API's narrow, hot queries.

Django builds and compiles a queryset again on every call, and for the narrow queries of the read API
that costs more than the database takes to answer them: the related strip of an article at 100,000
articles is 1.0 ms of ``filter()`` and SQL compilation in Python against 0.45 ms of PostgreSQL
(docs/performance.md). A ``Query`` is built once per process and database alias, with ``Param``
placeholders where a call's values go, and compiled by Django's own compiler, so its SQL is exactly the
ORM's for that database (PostgreSQL or SQLite, the read replica's alias included). Each call then only
fills in its values, executes the SQL through the alias's cursor (counted and logged as any query) and
converts the rows with the compiler's converters: tuples, in the order of the queryset's ``values_list``.

What is not a placeholder is part of the SQL: a LIMIT, which columns are filtered, whether a cursor
condition is there. Each such variant is its own ``Query``, named by its ``key``; callers keep the
variants few (a page size is one of at most a hundred).
"""

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import connections, router
from django.db.models import Expression, Field, Model, QuerySet
from django.db.models.sql.compiler import SQLCompiler


class Param(Expression):
    """Where a call's value named ``name`` goes; ``output_field`` adapts it for the database as a column would.

    The SQL around it is fixed when it is compiled: a None value is compared with ``=``, never turned
    into ``IS NULL`` as the ORM would, so a value that may be None belongs in the shape (``key``) instead.
    """

    def __init__(self, name: str, output_field: Field[Any, Any]) -> None:
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler: SQLCompiler, connection: Any) -> tuple[str, list[Any]]:
        return "%s", [_Slot(self.name, self.output_field)]


@dataclass(frozen=True)
class _Slot:
    name: str
    field: Field[Any, Any]


@dataclass
class _Statement:
    sql: str
    params: list[Any]
    slots: list[tuple[int, _Slot]]
    converters: dict[int, Any]  # SQLCompiler.get_converters(): column position -> (converters, expression)


@dataclass(frozen=True)
class Query:
    """A ``values_list`` queryset of ``model`` made by ``build`` (with ``Param``s), to run with ``values``.

    ``key`` names the SQL ``build`` makes: two queries with the same key must build the same SQL.
    ``make``, when given, turns each row into what ``rows`` answers (a named tuple's ``_make``).
    """

    key: Hashable
    model: type[Model]
    build: Callable[[], QuerySet[Any]]
    values: Mapping[str, Any] = field(default_factory=dict)
    make: Callable[[tuple[Any, ...]], Any] | None = None

    def extended(self, key: Hashable, extend: Callable[[QuerySet[Any]], QuerySet[Any]], **values: Any) -> "Query":
        """This query changed by ``extend`` (ordered, sliced, filtered on more ``Param``s), with more values."""
        build = self.build
        return Query((self.key, key), self.model, lambda: extend(build()), {**self.values, **values}, self.make)

    def rows(self) -> list[Any]:
        rows = self._fetch()
        return rows if self.make is None else [self.make(row) for row in rows]

    def _fetch(self) -> list[tuple[Any, ...]]:
        alias = router.db_for_read(self.model) or "default"
        statement = _statements.get((self.key, alias))
        if statement is None:
            statement = _statements[(self.key, alias)] = _compile(self.build(), alias)
        connection = connections[alias]
        params = list(statement.params)
        for index, slot in statement.slots:
            params[index] = slot.field.get_db_prep_value(self.values[slot.name], connection, prepared=False)
        with connection.cursor() as cursor:
            cursor.execute(statement.sql, params)
            rows = cursor.fetchall()
        if not statement.converters:
            return rows
        converted = []
        for row in rows:
            values = list(row)
            for position, (converters, expression) in statement.converters.items():
                for converter in converters:
                    values[position] = converter(values[position], expression, connection)
            converted.append(tuple(values))
        return converted


_statements: dict[tuple[Hashable, str], _Statement] = {}


def _compile(queryset: QuerySet[Any], alias: str) -> _Statement:
    compiler = queryset.query.get_compiler(using=alias)
    sql, params = compiler.as_sql()
    params = list(params)
    slots = [(index, param) for index, param in enumerate(params) if isinstance(param, _Slot)]
    columns = [column for column, _, _ in compiler.select[: compiler.col_count]]
    return _Statement(sql, params, slots, compiler.get_converters(columns))


def forget() -> None:
    """Drop every compiled statement (tests that change a database's settings under a live process)."""
    _statements.clear()
