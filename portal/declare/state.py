"""The state of one declaration form in `st.session_state`, under its own namespace.

Why no `st.form` around a declaration: inside a form nothing reruns until it is sent, so a field
could not be checked as the user leaves it, and fields that depend on another (nationality and
visa for a passport, rows of family members added and removed) could not appear. Instead every
widget keeps its value under a key `<ns>.<field>`, which survives every rerun, a language switch
and a refused submission; the whole form is checked on each rerun (the checks are pure and
cheap), a field's messages show under it once the user has changed that field, and all of them
(with a summary above the button) once the user has tried to submit. Nothing is cleared until a
declaration was stored.

Each form instance has one idempotency key: a double tap, or a rerun that interrupted the
first submission after it was stored, sends the same key and gets the same declaration.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import streamlit as st

from portal.ui.i18n import current_lang, t
from portal.ui.scroll import field_link
from portal.ui.text import escape_markdown
from shared.core.validate_phone import format_phone_national
from shared.declarations.form_errors import FieldError, field_label

if TYPE_CHECKING:
    from portal.declare.parts import Checks

DATE_FIELDS = frozenset(
    {"birth_date", "visa_expiry", "move_in", "move_out", "planned_until", "lease_start", "lease_end"}
)
ROW_GROUPS = frozenset({"family", "tenants"})  # repeated groups of fields, one row each


@dataclass(frozen=True)
class Where:
    """Where a field is: its validation path (`family[1].name`, positions as sent) and its widget
    key part (`family#3.name`, row ids that do not shift when a row above is removed)."""

    path: str = ""
    key: str = ""

    def sub(self, name: str) -> Where:
        join = "." if self.path else ""
        return Where(f"{self.path}{join}{name}", f"{self.key}{join}{name}")

    def row(self, group: str, position: int, row_id: int) -> Where:
        join = "." if self.path else ""
        return Where(f"{self.path}{join}{group}[{position}]", f"{self.key}{join}{group}#{row_id}")


class DeclForm:
    """One form's keys, rows, touched fields and error slots; `ns` namespaces every key."""

    def __init__(
        self, ns: str, *, owner: str, requested: Iterable[str] = (), checks: Checks | None = None
    ) -> None:
        """`owner` is what the form is about (a plate, a receipt): another owner starts it afresh,
        so a room of one plate never shows up on another's form. With `checks` the form is drawn
        in parts, each a fragment (`portal.declare.parts`)."""
        self.ns = ns
        self.owner = owner
        self.checks = checks
        self.requested = frozenset(requested)  # fields an officer asked to correct
        self._slots: dict[str, tuple[str, Any]] = {}
        self._folded: dict[str, str] = {}  # path → key of the fields not drawn on this run
        self.folded = False  # inside a closed 更多信息 (`portal.declare.widgets.more_fields`)
        self.slots_missing = False  # a message had no room under its field on this run (`slot`)
        if st.session_state.get(self.key("_owner")) != owner:
            self.reset()
            st.session_state[self.key("_owner")] = owner

    def key(self, name: str) -> str:
        return f"{self.ns}.{name}"

    def _state(self, name: str, default: Any) -> Any:
        return st.session_state.setdefault(self.key(name), default)

    def touch(self, widget_key: str) -> None:
        """on_change of every field: from now on its messages show as the user goes, and the
        draft is saved after this run (`portal.declare.drafts`)."""
        self._state("_touched", set()).add(widget_key)
        self.changed()

    def changed(self) -> None:
        st.session_state[self.key("_dirty")] = True

    def has_change(self) -> bool:
        return bool(st.session_state.get(self.key("_dirty")))

    def take_change(self) -> bool:
        """Whether anything changed since the last call (a draft to save)."""
        return bool(st.session_state.pop(self.key("_dirty"), False))

    def drawn_field_keys(self) -> list[str]:
        """The keys of this run's fields: drawn, or folded away under a closed 更多信息."""
        return [*(key for key, _ in self._slots.values()), *self._folded.values()]

    def field_paths(self) -> list[str]:
        """The paths of this run's fields so far, drawn or folded."""
        return [*self._slots, *self._folded]

    def note_folder(self, fold_key: str, paths: set[str]) -> None:
        """A 更多信息 fold and the fields under it (kept across runs and parts)."""
        self._state("_folders", {})[fold_key] = frozenset(paths)

    def note_required(self, group: str, paths: set[str]) -> None:
        """Fields a declarant must give (`portal.declare.widgets.required_fields`), by group, kept
        across runs and parts; a folded field has no label to mark."""
        drawn = frozenset(self._slots[path][0] for path in paths if path in self._slots)
        self._state("_required", {})[group] = drawn

    def required_keys(self) -> set[str]:
        """The widget keys of every required field noted so far."""
        groups: dict[str, frozenset[str]] = st.session_state.get(self.key("_required"), {})
        return set().union(*groups.values())

    def folders(self) -> dict[str, frozenset[str]]:
        return dict(st.session_state.get(self.key("_folders"), {}))

    def folded_value(self, where: Where) -> Any:
        """A field not drawn (its 更多信息 closed): the value it was left with, if any."""
        key = self.key(where.key)
        self._folded[where.path] = key
        return st.session_state.get(key)

    def field_keys(self) -> list[str]:
        """The keys of the fields drawn on this run (by every part of a form in parts), and those
        of the rows of repeated groups."""
        keys = [str(k) for k in st.session_state]
        kept = [k for k in keys if k.startswith(f"{self.ns}.") and k.endswith(("._rows", "._next"))]
        for key in keys:
            if key.startswith(self.key("_keys.")):  # values read only for these (see whole_form)
                kept.extend(st.session_state[key])
        return list(dict.fromkeys([*self.drawn_field_keys(), *map(str, kept)]))

    @property
    def attempted(self) -> bool:
        return bool(st.session_state.get(self.key("_attempted")))

    @attempted.setter
    def attempted(self, value: bool) -> None:
        st.session_state[self.key("_attempted")] = value

    def attempt(self) -> None:
        """on_click of the submit button: from now on every message shows."""
        self.attempted = True
        st.session_state[self.key("_wrong")] = set()
        st.session_state[self.key("_tries")] = self.tries + 1

    @property
    def tries(self) -> int:
        """Presses of the submit button on this form so far."""
        return int(st.session_state.get(self.key("_tries"), 0))

    def idempotency_key(self) -> str:
        """One key per form instance, drawn when the form is first shown, kept until it is stored."""
        return str(self._state("_idempotency", uuid.uuid4().hex))

    @property
    def receipt(self) -> str | None:
        return st.session_state.get(self.key("_receipt"))

    def finish(self, receipt_code: str) -> None:
        """Stored: show the receipt instead of the form on the next run."""
        st.session_state[self.key("_receipt")] = receipt_code
        st.rerun()

    def rows(self, group: str, *, start: int = 0) -> list[int]:
        """Row ids of a repeated group (family members, tenants), in order."""
        rows: list[int] = self._state(f"{group}._rows", list(range(start)))
        return rows

    def add_row(self, group: str) -> None:
        rows = self.rows(group)
        counter = self.key(f"{group}._next")
        row_id = max(st.session_state.get(counter, 0), max(rows, default=-1) + 1)
        st.session_state[counter] = row_id + 1
        rows.append(row_id)
        self.changed()

    def remove_row(self, group: str, row_id: int) -> None:
        rows = self.rows(group)
        if row_id in rows:
            rows.remove(row_id)
            self.changed()

    def slot(self, where: Where, *, blank: Any = None) -> None:
        """Room for the messages of `where.path`, right under its widget. On a form in parts only
        where a message showed before or is expected (`expect_messages`): every element on the
        page costs each field's rerun in the phone's browser (issue 12), and most fields never
        get a message. A message with no room yet asks for one more run (`slots_missing`).
        `blank`: what the widget shows empty (`blanks`)."""
        self.note_blank(where, blank)
        needed = self.checks is None or where.path in self.requested or where.path in self._messaged()
        self._slots[where.path] = (self.key(where.key), st.empty() if needed else None)
        self._state("_widgets", {})[where.path] = self.key(where.key)  # the summary links to it

    def _messaged(self) -> set[str]:
        messaged: set[str] = self._state("_messaged", set())
        return messaged

    def expect_messages(self, paths: Iterable[str]) -> None:
        """The next run draws room under these fields (a submission is about to show every message)."""
        self._messaged().update(paths)

    def show_errors(self, errors: Sequence[FieldError]) -> list[FieldError]:
        """Each field's messages under it (once touched, or all after a submit attempt) and the
        officer's requests; returns the errors of fields this form has no widget for."""
        lang = current_lang()
        touched = self._state("_touched", set())
        for path, (widget_key, holder) in self._slots.items():
            mine = [e.message(lang) for e in errors if e.field == path]
            shown = mine and (self.attempted or widget_key in touched)
            if shown and holder is None:
                self.expect_messages([path])
                self.slots_missing = True
            elif shown:
                holder.markdown("  \n".join(f":red[{escape_markdown(m)}]" for m in mine))
                if self.attempted:
                    self.wrong_keys().add(widget_key)
            elif path in self.requested:
                holder.markdown(f":orange[{t('工作人员请您核对此项', 'The officer asks you to check this')}]")
        return [e for e in errors if e.field not in self._slots]

    def wrong_keys(self) -> set[str]:
        """The widgets whose messages showed since the last submit attempt (`attempt` empties it),
        in no order: the page knows which comes first."""
        wrong: set[str] = self._state("_wrong", set())
        return wrong

    def summary(self, errors: Sequence[FieldError]) -> str:
        """Every error, each named by its field's place on the form (`随行人员2 · 出生日期`); a
        name is a link that shows its field (the page draws `portal.ui.scroll.follow_field_links`)."""
        lang = current_lang()
        widgets: dict[str, str] = self._state("_widgets", {})

        def name(error: FieldError) -> str:  # a link that shows the field, where the form has it
            named = f"**{field_label(error.field, lang)}**"
            key = widgets.get(error.field)
            return f"[{named}]({field_link(key)})" if key else named

        # reason(): the validators' messages name their field first; the label says it once.
        colon = t("：", ": ")  # a Chinese line takes the full-width colon its messages use
        lines = [f"- {name(e)}{colon}{escape_markdown(e.reason(lang))}" for e in errors]
        head = t(f"有 {len(errors)} 处需要修改：", f"{len(errors)} field(s) need correcting:")
        return "\n".join([head, *lines])

    def note_blank(self, where: Where, value: Any) -> None:
        """What the field shows on a fresh form: empty, or its default (noted first)."""
        self._state("_blanks", {}).setdefault(self.key(where.key), value)

    def blanks(self) -> dict[str, Any]:
        """Widget key → what it shows on a fresh form, for every field drawn so far (by any part)."""
        return dict(st.session_state.get(self.key("_blanks"), {}))

    def reset(self, *, keep: Iterable[str] = ()) -> None:
        """Forget every value of this form (after a stored declaration, or to start again)."""
        kept = {self.key(name) for name in ("_owner", *keep)}
        for name in list(st.session_state.keys()):
            if str(name).startswith(f"{self.ns}.") and name not in kept:
                del st.session_state[name]

    def prefill(self, values: Mapping[str, Any], where: Where | None = None) -> None:
        """Put a stored payload back into the widgets (the correction form), keys as the
        section functions name them: nested dicts by `.`, lists of dicts as rows."""
        here = where or Where()
        for name, value in values.items():
            if isinstance(value, Mapping):
                self.prefill(value, here.sub(name))
            elif name in ROW_GROUPS and isinstance(value, list):
                group = here.sub(name)
                st.session_state[self.key(f"{group.key}._rows")] = list(range(len(value)))
                st.session_state[self.key(f"{group.key}._next")] = len(value)
                for row_id, entry in enumerate(value):
                    self.prefill(entry, here.row(name, row_id, row_id))
            elif value is not None and value != []:
                st.session_state[self.key(here.sub(name).key)] = _widget_value(name, value)


def _widget_value(name: str, value: Any) -> Any:
    """A payload value as its widget holds it: dates as dates, phones as people dial them."""
    if name in DATE_FIELDS and isinstance(value, str):
        return date.fromisoformat(value)
    if name == "phone" and isinstance(value, str) and value.startswith("+") and "*" not in value:
        return format_phone_national(value)
    return value
