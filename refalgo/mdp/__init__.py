"""Markov decision processes: state values and the Bellman equation; optimal policies and the BOE.

Modules: :mod:`~refalgo.mdp.model` (the :class:`MDP`, policies, terminal states),
:mod:`~refalgo.mdp.builders` (grid worlds, Gymnasium), :mod:`~refalgo.mdp.bellman`
(a policy's Markov chain, action values, the Bellman residual),
:mod:`~refalgo.mdp.values` (state values, both twins), :mod:`~refalgo.mdp.optimal` (the
Bellman optimality operator, value iteration, the exact solver) and
:mod:`~refalgo.mdp.policy_iteration` (policy iteration, truncated policy iteration).
The public names are re-exported here. What exists for speed or numerical machinery —
compiled sweeps, sparse chains, LU and certified Krylov solves, exact LU over the
rationals, reachability — lives in the private package ``refalgo.mdp._engine``, which
only these modules import.
"""

from .builders import (
    ACTIONS,
    GridWorld,
    from_gymnasium,
    grid_world,
    sutton_barto_gridworld,
    sutton_barto_small_gridworld,
    zhao_grid_world,
)
from .model import MDP, almost_sure_reach, as_policy, proper_policy, terminal_states
from .optimal import (
    ExactSolution,
    Solution,
    bellman_optimality_operator,
    greedy_policy,
    optimal_values_symbolic,
    value_iteration,
)
from .policy_iteration import policy_iteration, truncated_policy_iteration
from .bellman import (
    action_values,
    action_values_symbolic,
    bellman_residual,
    policy_model,
    state_values_from_action_values,
)
from .values import PolicyEvaluation, iterative_policy_evaluation, state_values, state_values_symbolic

__all__ = [
    "ACTIONS",
    "ExactSolution",
    "Solution",
    "almost_sure_reach",
    "bellman_optimality_operator",
    "greedy_policy",
    "optimal_values_symbolic",
    "policy_iteration",
    "proper_policy",
    "truncated_policy_iteration",
    "value_iteration",
    "GridWorld",
    "MDP",
    "PolicyEvaluation",
    "action_values",
    "action_values_symbolic",
    "as_policy",
    "bellman_residual",
    "from_gymnasium",
    "grid_world",
    "iterative_policy_evaluation",
    "policy_model",
    "state_values",
    "state_values_from_action_values",
    "state_values_symbolic",
    "sutton_barto_gridworld",
    "sutton_barto_small_gridworld",
    "terminal_states",
    "zhao_grid_world",
]
