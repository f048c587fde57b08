"""The base of every platform's model: the engine's store, clock and settings, get-or-404, and due
actions declared where they are handled (``@due("join")`` above the method that runs a bot's join),
so a reader, or ``grep``, can follow a timeline action to its code."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, TypeVar

from .errors import NotFound

if TYPE_CHECKING:
    from .engine import Engine

Handler = TypeVar("Handler", bound=Callable[..., Any])
DUE = "_due_action"  # the attribute @due leaves on a handler: (action, name of its recovery method)


def due(action: str, recover: str = "_recover") -> Callable[[Handler], Handler]:
    """Mark a model method as the handler of the timeline action ``<platform>.<action>``. If it
    raises, the method named ``recover`` (on the same model) moves its object to an end state."""
    def mark(handler: Handler) -> Handler:
        setattr(handler, DUE, (action, recover))
        return handler

    return mark


class PlatformModel:
    """One platform's state and rules over the engine. Subclasses name their platform and its
    settings; their ``@due`` methods are registered with the timeline when the model is made."""

    NAME: str = ""
    SETTINGS: dict[str, Any] = {}

    def __init__(self, engine: "Engine") -> None:
        self.engine = engine
        self.store = engine.store
        self.clock = engine.clock
        for action, handler, recover in self.due_actions():
            engine.timeline.register(f"{self.NAME}.{action}", handler, recover)

    def due_actions(self) -> list[tuple[str, Callable, Callable | None]]:
        """Every ``@due`` method of this model: (action, bound handler, bound recovery or None)."""
        found, seen = [], set()
        for cls in type(self).__mro__:
            for name, member in vars(cls).items():
                marked = getattr(member, DUE, None)
                if marked is None or name in seen:
                    continue
                seen.add(name)
                action, recover = marked
                found.append((action, getattr(self, name), getattr(self, recover, None)))
        return found

    def setting(self, name: str) -> Any:
        return self.engine.setting(self.NAME, name, self.SETTINGS[name])

    def after(self, seconds: float, action: str, payload: dict) -> None:
        """Schedule this platform's ``action`` ``seconds`` from now on the emulator clock."""
        self.engine.timeline.after(seconds, f"{self.NAME}.{action}", payload)

    def at(self, when: float, action: str, payload: dict) -> None:
        """Schedule this platform's ``action`` at ``when`` on the emulator clock."""
        self.engine.timeline.at(when, f"{self.NAME}.{action}", payload)

    def require(self, kind: str, key: str, message: str | None = None,
                where: Callable[[dict], bool] | None = None) -> dict:
        """The stored object, or the platform's 404 (``message``, else "no such <kind>: <key>").
        ``where`` says whether the caller may see it (its tenant, its parent): if not, also a 404."""
        found = self.store.get(kind, key)
        if found is None or (where is not None and not where(found)):
            raise NotFound(message or f"no such {kind.split('.', 1)[-1]}: {key}")
        return found
