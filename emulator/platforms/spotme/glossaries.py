"""SpotMe's glossaries: create, read, change and delete a workspace's glossary (how one acts on
transcribed text is glossary.py). No HTTP here."""
from __future__ import annotations


from ...core.clock import iso
from . import glossary as glossaries
from .constants import (GLOSSARY, NAME)


class Glossaries:
    """Mixed into the SpotMe model (models.py)."""

    # -- glossaries ------------------------------------------------------------------------
    def create_glossary(self, workspace_id: str, body: dict) -> dict:
        self.workspace(workspace_id)
        now = iso(self.clock.now())
        rules = {"id": self.engine.ids.uuid(f"{NAME}.glossary"), "workspace_id": workspace_id,
                 "title": body["title"], "language": body["language"], "recognize": body.get("recognize", []),
                 "replace": body.get("replace", []), "block": body.get("block", []),
                 "created_at": now, "updated_at": now}
        rules["word_count"] = glossaries.word_count(rules)
        return self.store.put(GLOSSARY, rules["id"], rules, workspace_id)

    def glossary(self, workspace_id: str, glossary_id: str) -> dict:
        self.workspace(workspace_id)
        rules = self.require(GLOSSARY, glossary_id, f"Glossary {glossary_id} does not exist in workspace {workspace_id}.",
                             where=lambda rules: rules["workspace_id"] == workspace_id)
        return rules

    def update_glossary(self, workspace_id: str, glossary_id: str, body: dict) -> dict:
        with self.store.transaction():
            rules = self.glossary(workspace_id, glossary_id)
            rules.update({k: v for k, v in body.items() if k in ("title", "language", "recognize", "replace", "block")})
            rules["word_count"] = glossaries.word_count(rules)
            rules["updated_at"] = iso(self.clock.now())
            return self.store.put(GLOSSARY, glossary_id, rules, workspace_id)

    def delete_glossary(self, workspace_id: str, glossary_id: str) -> None:
        self.glossary(workspace_id, glossary_id)
        self.store.delete(GLOSSARY, glossary_id)

    def glossaries(self, workspace_id: str) -> list[dict]:
        self.workspace(workspace_id)
        return self.store.find(GLOSSARY, workspace_id)
