"""How a fill gets into moto: its methods onto moto's classes, its new models into moto's type map."""

from __future__ import annotations

from moto.cloudformation import parsing
from moto.core.common_models import CloudFormationModel


def install(target: type, fill: type) -> None:
    """Put what class ``fill`` defines (methods, classmethods, properties) onto moto's class ``target``.

    A fill class is written as the code moto's class would carry upstream: the
    same method names and signatures, with ``cls`` and ``self`` being moto's
    class and objects once installed. Only the fill's own attributes are
    copied (not inherited ones, not dunders); a method of the same name on
    ``target`` is replaced. A fill method must not call ``super()``, which
    would name the fill class, not moto's.
    """
    for name, value in vars(fill).items():
        if not (name.startswith("__") and name.endswith("__")):
            setattr(target, name, value)


def register_cloudformation_model(model: type[CloudFormationModel]) -> None:
    """Make moto's CloudFormation parser see a model class that a fill defines.

    moto finds its models as the direct subclasses of CloudFormationModel and
    caches that list and the two maps built from it; they are rebuilt here, and
    the new type must then resolve to ``model``.
    """
    for cached in (parsing.get_model_list, parsing.get_model_map, parsing.get_name_type_map):
        cached.cache_clear()
    resource_type = model.cloudformation_type()
    if parsing.get_model_map().get(resource_type) is not model:
        raise RuntimeError(f"{model.__qualname__} is not moto's model for {resource_type}")
