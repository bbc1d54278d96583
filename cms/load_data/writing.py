"""Bulk inserts: rows in batches, and Wagtail pages written without treebeard (their tree paths computed)."""

from __future__ import annotations

import uuid

from django.contrib.contenttypes.models import ContentType
from wagtail.models import Locale, Page

from .sizes import BATCH


def _batches(items: list, size: int = BATCH):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def bulk(model, objects: list, size: int = BATCH) -> list:
    created = []
    for chunk in _batches(objects, size):
        created += model.objects.bulk_create(chunk, batch_size=size)
    return created


def page_row(model, *, parent: Page, position: int, title: str, slug: str, locale: Locale, when) -> Page:
    """The wagtailcore_page row of a new child of `parent` (which has no children yet), published at `when`."""
    return Page(
        title=title, draft_title=title, slug=slug, content_type=ContentType.objects.get_for_model(model),
        path=Page._get_path(parent.path, parent.depth + 1, position), depth=parent.depth + 1, numchild=0,
        url_path=f"{parent.url_path}{slug}/", live=True, has_unpublished_changes=False, locale=locale,
        translation_key=uuid.uuid4(), first_published_at=when, last_published_at=when,
    )


def insert_specific(model, rows: list[Page], specific: list[Page]) -> list[Page]:
    """Write the pages' own table rows (the base rows are in `rows`); Django's bulk_create refuses multi-table
    models, so the child table is inserted through the manager's internal `_insert`, as bulk_create itself does."""
    fields = model._meta.local_concrete_fields
    for base, page in zip(rows, specific, strict=True):
        page.page_ptr_id = base.pk
    for chunk in _batches(specific, 500):
        model._base_manager._insert(chunk, fields=fields, using="default")
    return specific


def copy_base(row: Page, page: Page) -> None:
    for field_ in Page._meta.concrete_fields:
        setattr(page, field_.attname, getattr(row, field_.attname))
