"""The pathway: a data file checked against its schema, and the walk of a case through it."""

from .loader import PathwayError, build_pathway, default_pathway, load_pathway
from .model import Edge, Node, Option, Pathway, text
from .walk import CONTRACT_KEYS, AccessEntry, Evaluation, Explanation, OptionResult, evaluate

__all__ = ["CONTRACT_KEYS", "AccessEntry", "Edge", "Evaluation", "Explanation", "Node", "Option",
           "OptionResult",
           "Pathway", "PathwayError", "build_pathway", "default_pathway", "evaluate",
           "load_pathway", "text"]
