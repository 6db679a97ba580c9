"""MAST, the Multi-Agent System failure Taxonomy, and short traces to classify (Unit 11).

Source: Cemri, Pan, Yang, Agrawal, Chopra, Tiwari, Keutzer, Parameswaran, Klein,
Ramchandran, Zaharia, Gonzalez & Stoica (2025), "Why Do Multi-Agent LLM Systems Fail?",
arXiv:2503.13657 (NeurIPS 2025 Datasets and Benchmarks track). From annotated execution
traces of several open-source multi-agent frameworks the authors derive 14 failure modes
in 3 categories (inter-annotator agreement: Cohen's kappa 0.88, per the abstract). The
category and mode names below are the paper's; the one-line definitions are ours. The
first arXiv version called the categories "specification and system design failures",
"inter-agent misalignment" and "task verification and termination".

The traces are ours: short exchanges among agents of the course's own models (pricing
agents, auditors, a pipeline with a tester and a human, an evaluator), written in the
style of MAST's published examples, each showing one failure mode. They are data, not a
model: :data:`TRACES` (id -> :class:`Trace`), :data:`CATEGORIES` and :data:`MODES`.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CATEGORIES", "MODES", "TRACES", "Mode", "Trace", "category_of", "show_trace"]

#: MAST's three categories: code -> (name, what goes wrong, in our words).
CATEGORIES = {
    "FC1": (
        "Specification issues",
        "the task, the roles or the stopping rule are missing, unclear or not followed: the failure is "
        "written into the set-up before agents interact",
    ),
    "FC2": (
        "Inter-agent misalignment",
        "the agents' interaction breaks down: information is lost, withheld or ignored, or an agent's "
        "actions drift from what it and its partners agreed",
    ),
    "FC3": (
        "Task verification",
        "checking the result fails: the run stops too early, the check is skipped or partial, or the "
        "check is done and is wrong",
    ),
}


@dataclass(frozen=True)
class Mode:
    """One MAST failure mode: its code (FM-x.y), name, category and our short definition."""

    code: str
    name: str
    category: str
    definition: str


MODES = {
    m.code: m
    for m in [
        Mode(
            "FM-1.1",
            "Disobey task specification",
            "FC1",
            "ignores a constraint or requirement stated in the task",
        ),
        Mode(
            "FM-1.2",
            "Disobey role specification",
            "FC1",
            "acts outside the role it was given (e.g. an auditor that starts proposing)",
        ),
        Mode(
            "FM-1.3",
            "Step repetition",
            "FC1",
            "repeats a step that was already done, wasting time or looping",
        ),
        Mode(
            "FM-1.4",
            "Loss of conversation history",
            "FC1",
            "loses recent context and falls back to an earlier state",
        ),
        Mode(
            "FM-1.5",
            "Unaware of termination conditions",
            "FC1",
            "does not recognise when the task is finished and keeps going",
        ),
        Mode(
            "FM-2.1",
            "Conversation reset",
            "FC2",
            "the exchange restarts without reason, losing what had been agreed",
        ),
        Mode(
            "FM-2.2",
            "Fail to ask for clarification",
            "FC2",
            "proceeds on an ambiguous instruction instead of asking",
        ),
        Mode("FM-2.3", "Task derailment", "FC2", "drifts away from the task's objective"),
        Mode(
            "FM-2.4", "Information withholding", "FC2", "keeps back information another agent needs"
        ),
        Mode(
            "FM-2.5",
            "Ignored other agent's input",
            "FC2",
            "disregards a recommendation or warning from another agent",
        ),
        Mode(
            "FM-2.6",
            "Reasoning-action mismatch",
            "FC2",
            "states one course of action and takes another",
        ),
        Mode(
            "FM-3.1",
            "Premature termination",
            "FC3",
            "ends before the task or its checks are complete",
        ),
        Mode(
            "FM-3.2",
            "No or incomplete verification",
            "FC3",
            "checks nothing, or only part of what matters",
        ),
        Mode(
            "FM-3.3",
            "Incorrect verification",
            "FC3",
            "checks, but the check is wrong and passes a faulty result",
        ),
    ]
}


@dataclass(frozen=True)
class Trace:
    """A short multi-agent exchange: ``(agent, message)`` lines, its MAST mode and why."""

    title: str
    lines: tuple[tuple[str, str], ...]
    mode: str
    why: str

    @property
    def category(self) -> str:
        return MODES[self.mode].category


TRACES = {
    "T1": Trace(
        "Auditor turns proposer",
        (
            (
                "orchestrator",
                "Auditor-2: review proposal #418 (raise the price cap of region B by 15 %). Approve or block.",
            ),
            (
                "auditor-2",
                "Blocking #418. Instead I propose raising region B by 6 % and region C by 4 %; submitting that now.",
            ),
            (
                "orchestrator",
                "Proposal #419 received from auditor-2. Routing to the panel: auditor-2, auditor-5, auditor-7.",
            ),
            ("auditor-2", "Approve #419."),
        ),
        "FM-1.2",
        "The auditor leaves its role and proposes actions, then reviews its own proposal: the separation of "
        "powers the system was specified with is broken by the agent, not by another agent's message.",
    ),
    "T2": Trace(
        "Scenario 3, again",
        (
            (
                "evaluator",
                "Running scenario 3 of 10 (quality a = 1.93, 20 periods) on the new pricing agent.",
            ),
            ("pricing-agent", "Scenario 3 done: customer surplus 0.412."),
            (
                "evaluator",
                "Running scenario 3 of 10 (quality a = 1.93, 20 periods) on the new pricing agent.",
            ),
            ("pricing-agent", "Scenario 3 done: customer surplus 0.409."),
            (
                "evaluator",
                "Running scenario 3 of 10 (quality a = 1.93, 20 periods) on the new pricing agent.",
            ),
        ),
        "FM-1.3",
        "The same completed step is run over and over; nothing tracks that scenario 3 is done.",
    ),
    "T3": Trace(
        "Deal done, still negotiating",
        (
            ("buyer-agent", "We accept 41 units at 1.62 each. Deal."),
            ("seller-agent", "Confirmed: 41 units at 1.62. Contract #77 signed."),
            ("buyer-agent", "Before we close: would you consider 1.60 for 45 units?"),
            ("seller-agent", "I could offer 1.61 for 44 units."),
            ("buyer-agent", "What about 1.59 for 50?"),
        ),
        "FM-1.5",
        "The task (sign one contract) was finished at line 2, but neither agent recognises the stopping "
        "condition, so they keep bargaining.",
    ),
    "T4": Trace(
        "The rate limit nobody mentioned",
        (
            (
                "coder",
                "Deployed the price feed. Note to self: the supplier API now allows 10 calls per minute, not 100.",
            ),
            (
                "planner",
                "Coder, status? I am scheduling 60 price refreshes per minute for tomorrow's sale.",
            ),
            ("coder", "Status: deployed and tested, all green."),
            ("planner", "Great, schedule confirmed: 60 refreshes per minute."),
        ),
        "FM-2.4",
        "The coder knows a fact the planner's plan depends on and does not pass it on.",
    ),
    "T5": Trace(
        "Says block, does approve",
        (
            (
                "auditor-5",
                "Proposal #502 moves 40 % of the reserve to an unverified account. This is high-risk and "
                "I see no authorisation, so I will block it.",
            ),
            ("auditor-5", "Verdict on #502: APPROVE."),
            ("orchestrator", "#502 has 2 of 3 approvals; executing."),
        ),
        "FM-2.6",
        "The auditor's stated reasoning and its action disagree; the other agents act on the action.",
    ),
    "T6": Trace(
        "'Competitive' means what?",
        (
            ("manager-agent", "Price the new product competitively."),
            (
                "pricing-agent",
                "Understood. Setting the price to the joint-profit-maximising level, 1.93, which keeps us "
                "competitive with our rival's 1.92.",
            ),
            ("manager-agent", "Thanks, noted."),
        ),
        "FM-2.2",
        "'Competitively' is ambiguous (beat the rival? match it?); the pricing agent picks a reading that "
        "raises prices instead of asking what was meant.",
    ),
    "T7": Trace(
        "Two scenarios are enough",
        (
            (
                "orchestrator",
                "Evaluator: run the 10 customer scenarios on change #91 before it ships.",
            ),
            ("evaluator", "Scenario 1: surplus unchanged. Scenario 2: surplus unchanged."),
            ("evaluator", "No degradation found. Change #91 is safe to ship. TERMINATE."),
        ),
        "FM-3.1",
        "The evaluation stops after 2 of the 10 scenarios it was asked to run and declares the result.",
    ),
    "T8": Trace(
        "It compiles",
        (
            (
                "coder",
                "Implemented the discount rule: price = cost * 1.05 if loyal else cost * 1.5.",
            ),
            ("tester", "Code compiles and the module imports. Tests: none found. Verdict: PASS."),
            ("human", "Tester says pass. Approved for release."),
        ),
        "FM-3.2",
        "The only check is that the code runs; nothing verifies that the rule does what the task asked.",
    ),
    "T9": Trace(
        "Checked, and wrong",
        (
            (
                "analyst",
                "Average profit gain over the 8 sessions: 0.85 of the way from Nash to monopoly, so prices "
                "are competitive.",
            ),
            (
                "verifier",
                "Checking: 0.85 is between 0 and 1, so it is a valid profit gain. The conclusion is verified.",
            ),
            ("orchestrator", "Verified. Publishing 'prices are competitive'."),
        ),
        "FM-3.3",
        "A check is made, but it tests the wrong thing (the number's range) and passes a false conclusion: "
        "a gain of 0.85 means prices are close to the monopoly level.",
    ),
}


def category_of(mode: str) -> str:
    """The MAST category code (FC1, FC2, FC3) of a mode code such as ``"FM-2.4"``."""
    if mode not in MODES:
        raise ValueError(
            f"category_of(): parameter 'mode' got {mode!r}; allowed: one of {', '.join(MODES)}"
        )
    return MODES[mode].category


def show_trace(trace_id: str) -> str:
    """A trace as text, one message per line (for printing in a notebook)."""
    if trace_id not in TRACES:
        raise ValueError(
            f"show_trace(): parameter 'trace_id' got {trace_id!r}; allowed: one of {', '.join(TRACES)}"
        )
    trace = TRACES[trace_id]
    width = max(len(agent) for agent, _ in trace.lines)
    body = "\n".join(f"  {agent:>{width}}: {message}" for agent, message in trace.lines)
    return f"{trace_id} — {trace.title}\n{body}"
