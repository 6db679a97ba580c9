"""Tool manifests and blast radius: what a compromised agent can do (Unit 10).

Least privilege for agents means a per-agent *tool manifest* with a default-deny posture:
an agent may call only the tools listed for its role (Anystack Engineering 2026, "When Your
Agents Collude", on per-agent, signed, default-deny manifests; de Witt 2025, "Open
Challenges in Multi-Agent Security", https://arxiv.org/abs/2505.02077). Unit 03's
:class:`~mesa_models.collusion.secret_tools.SecretToolsModel` shows the same idea for a
single covert tool (``tool_granted=False``); here a whole catalogue is at stake.

The catalogue below is a teaching example, not data: each tool has a harm weight (the
damage a compromised agent could do with it in one round, in harm units); each role has
tasks; each task can be done with any one of several alternative tool sets. The **blast
radius** of a manifest is the total harm weight of its tools, so a compromised agent with
a small manifest does little damage. A manifest *lets a role do its job* when, for every
task of the role, at least one alternative tool set is wholly in the manifest.

:data:`LEAST_PRIVILEGE` holds the smallest-blast-radius manifests that still let each role
do its job (found by checking every combination of alternatives; tests/test_defence.py
checks they are minimal); :data:`ALL_TOOLS` is default-allow, every tool for every role.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping

__all__ = [
    "ALL_TOOLS",
    "LEAST_PRIVILEGE",
    "ROLES",
    "ROLE_TASKS",
    "TASK_OPTIONS",
    "TOOL_HARM",
    "blast_radius",
    "can_do_job",
    "missing_tasks",
    "validate_manifests",
]

#: Harm a compromised agent can do with each tool in one round (harm units).
TOOL_HARM: dict[str, float] = {
    "read_docs": 1,
    "web_search": 2,
    "post_chat": 2,
    "send_email": 4,
    "read_tickets": 1,
    "reply_ticket": 2,
    "payments": 10,
    "request_approval": 1,
    "edit_repo": 5,
    "run_code": 8,
    "ci_pipeline": 4,
    "read_db": 3,
    "read_reports": 1,
    "deploy": 9,
    "read_logs": 1,
}

#: The five agent roles and the tasks each must be able to do.
ROLE_TASKS: dict[str, tuple[str, ...]] = {
    "researcher": ("find sources", "cite sources", "share findings"),
    "coder": ("change code", "test code"),
    "support": ("read requests", "answer customers", "issue refunds"),
    "analyst": ("query data", "share findings"),
    "operator": ("release software", "watch systems"),
}
ROLES: tuple[str, ...] = tuple(ROLE_TASKS)

#: For each task, the alternative tool sets that can do it (any one suffices).
TASK_OPTIONS: dict[str, tuple[frozenset[str], ...]] = {
    "find sources": (frozenset({"read_docs"}), frozenset({"web_search"})),
    "cite sources": (frozenset({"web_search"}),),
    "share findings": (frozenset({"post_chat"}), frozenset({"send_email"})),
    "change code": (frozenset({"edit_repo"}),),
    "test code": (frozenset({"ci_pipeline"}), frozenset({"run_code"})),
    "read requests": (frozenset({"read_tickets"}), frozenset({"send_email"})),
    "answer customers": (frozenset({"reply_ticket"}), frozenset({"send_email"})),
    "issue refunds": (frozenset({"payments"}), frozenset({"reply_ticket", "request_approval"})),
    "query data": (frozenset({"read_db"}), frozenset({"read_reports", "run_code"})),
    "release software": (frozenset({"deploy"}), frozenset({"ci_pipeline", "request_approval"})),
    "watch systems": (frozenset({"read_logs"}), frozenset({"run_code"})),
}

#: Smallest-blast-radius manifests that still let each role do its job.
LEAST_PRIVILEGE: dict[str, frozenset[str]] = {
    "researcher": frozenset({"web_search", "post_chat"}),
    "coder": frozenset({"edit_repo", "ci_pipeline"}),
    "support": frozenset({"read_tickets", "reply_ticket", "request_approval"}),
    "analyst": frozenset({"read_db", "post_chat"}),
    "operator": frozenset({"ci_pipeline", "request_approval", "read_logs"}),
}

#: Default-allow: every role gets every tool.
ALL_TOOLS: dict[str, frozenset[str]] = {role: frozenset(TOOL_HARM) for role in ROLES}


def _tools(manifest: Iterable[str], what: str) -> frozenset[str]:
    if isinstance(manifest, str) or not isinstance(manifest, Iterable):
        raise TypeError(f"{what} must be a set of tool names, got {manifest!r}")
    tools = frozenset(manifest)
    bad = [t for t in tools if not isinstance(t, str)]
    if bad:
        raise TypeError(f"{what} must hold tool names (strings), got {bad[0]!r}")
    return tools


def blast_radius(manifest: Iterable[str], tool_harm: Mapping[str, float] = TOOL_HARM) -> float:
    """Total harm weight of the tools in ``manifest``.

    Default deny: a tool that is not in the catalogue ``tool_harm`` cannot be granted, so
    naming one is a ``ValueError``.
    """
    tools = _tools(manifest, "blast_radius: parameter 'manifest'")
    unknown = sorted(tools - set(tool_harm))
    if unknown:
        raise ValueError(
            f"blast_radius: parameter 'manifest' grants {unknown[0]!r}, which is not in the tool catalogue; "
            f"allowed: {', '.join(sorted(tool_harm))}"
        )
    total = 0.0
    for tool in tools:
        weight = tool_harm[tool]
        if isinstance(weight, bool) or not isinstance(weight, numbers.Real) or weight < 0:
            raise ValueError(
                f"blast_radius: harm weight of {tool!r} is {weight!r}; allowed: a number >= 0"
            )
        total += float(weight)
    return total


def missing_tasks(
    role: str,
    manifest: Iterable[str],
    role_tasks: Mapping[str, Iterable[str]] = ROLE_TASKS,
    task_options: Mapping[str, Iterable[Iterable[str]]] = TASK_OPTIONS,
) -> list[str]:
    """The tasks of ``role`` that ``manifest`` does not let it do (empty: it can do its job)."""
    if role not in role_tasks:
        raise ValueError(
            f"parameter 'role' got {role!r}; allowed: one of {', '.join(map(repr, role_tasks))}"
        )
    tools = _tools(manifest, "parameter 'manifest'")
    missing = []
    for task in role_tasks[role]:
        if task not in task_options:
            raise ValueError(
                f"task {task!r} of role {role!r} has no tool options; known tasks: {', '.join(task_options)}"
            )
        if not any(frozenset(option) <= tools for option in task_options[task]):
            missing.append(task)
    return missing


def can_do_job(
    role: str,
    manifest: Iterable[str],
    role_tasks: Mapping[str, Iterable[str]] = ROLE_TASKS,
    task_options: Mapping[str, Iterable[Iterable[str]]] = TASK_OPTIONS,
) -> bool:
    """Whether ``manifest`` lets ``role`` do every one of its tasks."""
    return not missing_tasks(role, manifest, role_tasks, task_options)


def validate_manifests(
    manifests: Mapping[str, Iterable[str]], owner: str = ""
) -> dict[str, frozenset[str]]:
    """Check a role -> manifest mapping for the course catalogue: every role present, only
    catalogue tools, and each role able to do its job. Returns frozensets."""
    where = f"{owner}: " if owner else ""
    if not isinstance(manifests, Mapping):
        raise TypeError(
            f"{where}parameter 'manifests' got {manifests!r}; expected a dict role -> set of tools"
        )
    missing_roles = [r for r in ROLES if r not in manifests]
    if missing_roles:
        raise ValueError(
            f"{where}parameter 'manifests' has no manifest for role {missing_roles[0]!r}; roles: {', '.join(ROLES)}"
        )
    checked = {}
    for role in ROLES:
        tools = _tools(manifests[role], f"{where}manifest of {role!r}")
        unknown = sorted(tools - set(TOOL_HARM))
        if unknown:
            raise ValueError(
                f"{where}manifest of {role!r} grants {unknown[0]!r}, not in the catalogue; allowed: {', '.join(sorted(TOOL_HARM))}"
            )
        gaps = missing_tasks(role, tools)
        if gaps:
            raise ValueError(
                f"{where}manifest of {role!r} cannot do the task {gaps[0]!r}; it needs one of "
                + " or ".join("{" + ", ".join(sorted(o)) + "}" for o in TASK_OPTIONS[gaps[0]])
            )
        checked[role] = tools
    return checked
