"""HTML forms for use cases (Flask-WTF: every form carries a CSRF token).

The forms only carry values; the actions validate them, so the API and the pages accept
exactly the same input and report the same messages.
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from catalog.showcase.models import ShowcaseType
from catalog.showcase.spam import HONEYPOT_FIELD

TYPE_LABELS = {
    ShowcaseType.APP: lazy_gettext("App"),
    ShowcaseType.VISUALIZATION: lazy_gettext("Visualization"),
    ShowcaseType.REPORT: lazy_gettext("Report"),
    ShowcaseType.ARTICLE: lazy_gettext("Article"),
    ShowcaseType.RESEARCH: lazy_gettext("Research"),
    ShowcaseType.OTHER: lazy_gettext("Other"),
}
DATASET_IN_URL = re.compile(r"/dataset/([a-z0-9_-]+)/?$")


def dataset_references(text: str) -> list[str]:
    """Dataset names from a text of names or dataset page URLs, one per line or comma."""
    references = []
    for item in re.split(r"[\s,、]+", text or ""):
        item = item.strip()
        match = DATASET_IN_URL.search(item)
        if match:
            item = match.group(1)
        if item:
            references.append(item)
    return references


class ShowcaseForm(FlaskForm):
    """What a member of the public fills in to propose a use case."""

    title = StringField(lazy_gettext("Title"))
    showcase_type = SelectField(
        lazy_gettext("Type"), default=ShowcaseType.APP.value,
        choices=[SelectChoice(kind.value, label) for kind, label in TYPE_LABELS.items()])
    notes = TextAreaField(lazy_gettext("Description"))
    url = StringField(lazy_gettext("Web address (URL)"))
    author = StringField(lazy_gettext("Made by"))
    author_email = StringField(lazy_gettext("Your e-mail address (not published)"))
    tag_string = StringField(lazy_gettext("Tags (separated by commas)"))
    datasets = TextAreaField(lazy_gettext("Datasets used (names or addresses of dataset pages, one per line)"))
    image_upload = FileField(lazy_gettext("Image (PNG, JPEG, GIF or WebP, up to 5 MB)"))

    def action_data(self) -> dict:
        """The data_dict for the showcase actions."""
        data = {name: getattr(self, name).data or "" for name in
                ("title", "showcase_type", "notes", "url", "author", "author_email",
                 "tag_string")}
        data["datasets"] = dataset_references(self.datasets.data)
        if self.image_upload.data and getattr(self.image_upload.data, "filename", ""):
            data["image_upload"] = self.image_upload.data
        return data

    def show_errors(self, errors: dict) -> None:
        """Attach an action's per-field messages to the fields (others to the form)."""
        self.form_errors = []
        for key, messages in errors.items():
            field = getattr(self, key.split(".")[0], None)
            target = field.errors if field is not None and hasattr(field, "errors") \
                else self.form_errors
            if isinstance(target, tuple):
                target = field.errors = list(target)
            target.extend(messages if isinstance(messages, list) else [str(messages)])


def submission_form(**kwargs) -> ShowcaseForm:
    """The public form, with a honeypot field that people never see or fill in."""

    class SubmissionForm(ShowcaseForm):
        pass

    setattr(SubmissionForm, HONEYPOT_FIELD, StringField(lazy_gettext("Leave this field empty")))
    return SubmissionForm(**kwargs)


class StaffShowcaseForm(ShowcaseForm):
    """What use-case administrators edit: the public fields plus curation."""

    name = StringField(lazy_gettext("URL name"))
    featured = BooleanField(lazy_gettext("Feature on the home page"))

    def action_data(self) -> dict:
        data = super().action_data()
        data["featured"] = bool(self.featured.data)
        if self.name.data:
            data["name"] = self.name.data.strip()
        return data


class ModerationForm(FlaskForm):
    """Approve or reject a submission."""

    reason = TextAreaField(lazy_gettext("Reason for rejection (kept for moderators)"))
    featured = BooleanField(lazy_gettext("Feature on the home page"))
