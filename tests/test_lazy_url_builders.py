"""URL builders are compiled on first use (start-up time): each must build what Werkzeug's own
eagerly compiled builder builds, the first time and every time after."""
import uuid

from werkzeug.routing import Rule
from werkzeug.routing.converters import IntegerConverter, UUIDConverter

from emulator.app import LazyBuildRule, create_app, new_engine
from emulator.core.engine import Config


def test_every_rule_builds_as_werkzeug_would():
    app = create_app(new_engine(Config(frozen=True)))
    rules = list(app.url_map.iter_rules())
    assert len(rules) > 200 and all(isinstance(rule, LazyBuildRule) for rule in rules)
    for rule in rules:
        values = {}
        for name in rule.arguments:
            converter = rule._converters.get(name)
            values[name] = 7 if isinstance(converter, IntegerConverter) else \
                uuid.UUID(int=7) if isinstance(converter, UUIDConverter) else "x-1"
        for unknown in (False, True):
            extra = {"q": "a b"} if unknown else {}
            stock = Rule._compile_builder(rule, unknown).__get__(rule, None)(**values, **extra)
            lazy = rule._build_unknown if unknown else rule._build
            assert lazy(**values, **extra) == stock == lazy(**values, **extra)
    with app.test_request_context():
        from flask import url_for
        assert url_for("dashboard.index", q="a b").endswith("/_emulator/?q=a+b")
