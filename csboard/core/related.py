"""Related rows a write already knows, kept on the instance as if prefetched."""

from collections.abc import Iterable

from django.db import models


def known_related(instance: models.Model, name: str, objects: Iterable[models.Model]) -> None:
    """Keep `objects` as the many-to-many `name` of `instance`, as prefetch_related would have
    read them (and as it does it: Django has no public call for this), so that showing a row
    just written asks for nothing it wrote itself. Each object once, in the order given: only
    for a relation shown unordered, or objects already in its order."""
    manager = getattr(instance, name)
    queryset = manager.get_queryset()
    queryset._result_cache = list({obj.pk: obj for obj in objects}.values())
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[manager.prefetch_cache_name] = queryset
