r"""Parameter accounting for Kimi-VL: how many weights each block holds, and how many a token uses.

Kimi-VL has three parts: a DeepSeek-V3-style mixture-of-experts (MoE) language model
(Moonlight), a ViT vision encoder (MoonViT) and an MLP projector between them. The count of
a block is the sum of the sizes of its weight tensors; a token *activates* every block on
its path except the routed experts its router did not pick.

**Language model** (DeepSeek-V3; the symbols are the ``config.json`` fields): hidden size
:math:`d`, :math:`L` layers, :math:`H` heads; multi-head latent attention (MLA) with latent
ranks :math:`d_c` (``kv_lora_rank``) and :math:`d_c'` (``q_lora_rank``, ``None`` for a full
query projection) and head dims :math:`d_n, d_r, d_v` (``qk_nope_head_dim``,
``qk_rope_head_dim``, ``v_head_dim``). Per layer

.. math::

    A = d H (d_n + d_r) + d (d_c + d_r) + d_c + d_c H (d_n + d_v) + H d_v d \qquad (1)

(query, compressed key-value with the shared rope key, its RMSNorm, the up-projection to
keys and values, the output; with ``q_lora_rank`` the query term is
:math:`d d_c' + d_c' + d_c' H (d_n + d_r)`, and ``attention_bias`` adds the biases of the
down-projections and the output). The first ``first_k_dense_replace`` layers have a dense
SwiGLU MLP of width :math:`I`, :math:`3 d I`; every later layer whose index is a multiple
of ``moe_layer_freq`` is an MoE layer: :math:`E` routed and :math:`S` shared SwiGLU experts
of width :math:`m`, and a router of :math:`E d` weights plus the :math:`E` entries of
``e_score_correction_bias``:

.. math::

    M = 3 d m (E + S) + E d + E \qquad (2)

Two RMSNorms per layer and a final one (:math:`(2L + 1) d`), the embedding :math:`V d`, and
an ``lm_head`` of :math:`V d` unless ``tie_word_embeddings``.

**Activated per token**: everything except the :math:`E - k` routed experts not chosen in
each MoE layer, :math:`k` = ``num_experts_per_tok``:

.. math::

    N_\text{act} = N - n_\text{MoE} (E - k)\, 3 d m \qquad (3)

The router counts (every token runs it), and so do the embedding matrix and ``lm_head``
(the published figures differ on these; the page reconciles them).

**Vision encoder** (SigLIP-style ViT, hidden :math:`D`, MLP width :math:`M`, :math:`L_v`
layers, patch :math:`p`, :math:`C` channels): a patch-embedding convolution with bias
:math:`C p^2 D + D`; a learnable absolute position embedding of :math:`G D`; per layer two
LayerNorms, q/k/v/o projections with biases and a two-layer MLP,
:math:`4 D^2 + 2 D M + 9 D + M`; a final LayerNorm :math:`2 D`. In MoonViT :math:`G` is a
fixed 64 × 64 grid (``init_pos_emb_height × init_pos_emb_width``) that is interpolated
(bicubic) to each image's patch grid; in SigLIP one row per patch of the square training
image, :math:`G = (\text{image\_size}/p)^2`. MoonViT's 2-D RoPE has no parameters. SigLIP
also has an attention-pooling head (``vision_use_head``, on by default in ``transformers``):
a probe, a multi-head attention, a LayerNorm and an MLP, :math:`4 D^2 + 2 D M + 8 D + M`;
MoonViT has none.

**Projector** (Kimi-VL's ``KimiVLMultiModalProjector``): a LayerNorm over :math:`D` before
the 2 × 2 patch merge, then Linear(:math:`4D \to 4D`), GELU, Linear(:math:`4D \to d`), both with
bias: :math:`2D + 16 D^2 + 4D + 4 D d + d` for a 2 × 2 ``merge_kernel_size``.

Conventions: ``e_score_correction_bias`` is counted (DeepSeek's and Moonlight's checkpoints
store it as a parameter; ``transformers`` 5 keeps it as a buffer). Multi-token-prediction
modules (``num_nextn_predict_layers``) are not counted (Moonlight has none, and
``transformers`` builds none).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import sympy as sp

from ..derivation import Derivation, Step
from ..registry import Concept, Tolerance
from ._engine.params import (
    TextConfig,
    VisionConfig,
    config_kind,
    read_text_config,
    read_vision_config,
    symbol,
    vision_tensors,
)

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = ["ParameterCount", "config_symbols", "derivations", "parameter_count", "parameter_count_symbolic"]

REFERENCES = (
    "DeepSeek-AI, DeepSeek-V3 Technical Report, arXiv:2412.19437 (2024), §2.1 (MLA eqs. 1-11, DeepSeekMoE eqs. 12-16).",
    "Moonshot AI, Muon is Scalable for LLM Training (Moonlight), arXiv:2502.16982 (2025).",
    "Kimi Team, Kimi-VL Technical Report, arXiv:2504.07491 (2025), §2.1 (architecture).",
    "X. Zhai et al., Sigmoid Loss for Language Image Pre-Training (SigLIP), ICCV 2023; transformers 5.23 SiglipVisionModel.",
)

N = TypeVar("N", int, sp.Expr)


@dataclass(frozen=True)
class ParameterCount(Generic[N]):
    """Parameters per block (ints from :func:`parameter_count`, SymPy from :func:`parameter_count_symbolic`).

    A block absent from the configuration counts 0. ``activated`` is per token: every block
    on a token's path except the routed experts its router did not pick (router included).
    """

    embeddings: N
    attention: N
    dense_mlp: N
    routed_experts: N
    shared_experts: N
    router: N
    norms: N
    lm_head: N
    patch_embedding: N
    position_embedding: N
    vision_encoder: N
    pooling_head: N
    projector: N
    activated: N

    @property
    def language_model(self) -> N:
        """Embeddings, decoder layers, final norm and ``lm_head``."""
        return sum((self.embeddings, self.attention, self.dense_mlp, self.routed_experts, self.shared_experts,
                    self.router, self.norms, self.lm_head), start=0 * self.embeddings)

    @property
    def vision_tower(self) -> N:
        """Patch embedding, position embedding, encoder layers and final norm, pooling head."""
        return sum((self.patch_embedding, self.position_embedding, self.vision_encoder, self.pooling_head), start=0 * self.embeddings)

    @property
    def activated_language_model(self) -> N:
        """What a text token uses: ``activated`` without the (dense) vision tower and projector."""
        return self.activated - self.vision_tower - self.projector

    @property
    def total(self) -> N:
        """Every parameter: language model, vision tower and projector."""
        return self.language_model + self.vision_tower + self.projector


BLOCKS = tuple(f.name for f in fields(ParameterCount) if f.name != "activated")


def _parts(config: Any) -> tuple[TextConfig | None, VisionConfig | None]:
    kind = config_kind(config)
    if kind == "kimi-vl":
        return (read_text_config(config["text_config"], "config['text_config']"),
                read_vision_config(config["vision_config"], "config['vision_config']"))
    if kind == "text":
        return read_text_config(config), None
    return None, read_vision_config(config)


# ---------------------------------------------------------------- symbolic twin


def config_symbols(config: Mapping[str, Any]) -> dict[sp.Symbol, int]:
    """The symbols of :func:`parameter_count_symbolic` and their values in ``config``.

    Text fields are symbols of their own names (``hidden_size``); vision fields carry the
    prefix ``vision_config.`` (``vision_config.hidden_size``), so a Kimi-VL config's two
    hidden sizes stay apart. Substituting this map into the symbolic count gives the numbers.

    Examples
    --------
    >>> values = config_symbols({"patch_size": 14, "hidden_size": 8, "num_hidden_layers": 1,
    ...     "num_attention_heads": 2, "intermediate_size": 16, "image_size": 28})
    >>> values[sp.Symbol("vision_config.image_size", integer=True, positive=True)]
    28
    """
    text, vision = _parts(config)
    values: dict[sp.Symbol, int] = {}
    for part, prefix in ((text, ""), (vision, "vision_config.")):
        if part is not None:
            values.update({symbol(prefix + name): n for name, n in part.symbol_values().items()})
    return values


def _moe_layers(t: TextConfig) -> sp.Expr:
    """n_MoE: the multiples of moe_layer_freq among layers first_k_dense_replace … L − 1."""
    L, K, f = (symbol(k) for k in ("num_hidden_layers", "first_k_dense_replace", "moe_layer_freq"))
    if t.n_routed_experts is None:
        return sp.Integer(0)
    if t.moe_layer_freq == 1:
        return L - K
    return sp.floor((L - 1) / f) - sp.ceiling(K / f) + 1


def _text_symbolic(t: TextConfig) -> dict[str, sp.Expr]:
    d, L, H, dc, dn, dr, dv, V, I, m, E, k, S = (symbol(n) for n in (
        "hidden_size", "num_hidden_layers", "num_attention_heads", "kv_lora_rank", "qk_nope_head_dim",
        "qk_rope_head_dim", "v_head_dim", "vocab_size", "intermediate_size", "moe_intermediate_size",
        "n_routed_experts", "num_experts_per_tok", "n_shared_experts"))
    b = 1 if t.attention_bias else 0
    if t.q_lora_rank is None:
        query = d * H * (dn + dr)                                                   # (1)
    else:
        rq = symbol("q_lora_rank")
        query = d * rq + b * rq + rq + rq * H * (dn + dr)
    attention = query + d * (dc + dr) + b * (dc + dr) + dc + dc * H * (dn + dv) + H * dv * d + b * d  # (1)
    n_moe = _moe_layers(t)
    experts = E if t.n_routed_experts is not None else 0
    return {
        "embeddings": V * d,
        "attention": L * attention,
        "dense_mlp": (L - n_moe) * 3 * d * I,
        "routed_experts": n_moe * experts * 3 * d * m,                              # (2)
        "shared_experts": n_moe * S * 3 * d * m if t.n_routed_experts is not None else sp.Integer(0),
        "router": n_moe * (experts * d + experts),                                  # (2)
        "norms": (2 * L + 1) * d,
        "lm_head": sp.Integer(0) if t.tie_word_embeddings else V * d,
        "idle": n_moe * (experts - k) * 3 * d * m if t.n_routed_experts is not None else sp.Integer(0),
    }


def _vision_symbolic(v: VisionConfig, text_hidden: sp.Expr | None) -> dict[str, sp.Expr]:
    D, Lv, M, p, C, kh, kw = (symbol("vision_config." + n) for n in (
        "hidden_size", "num_hidden_layers", "intermediate_size", "patch_size", "num_channels",
        "merge_kernel_size[0]", "merge_kernel_size[1]"))
    if v.moonvit:
        grid = symbol("vision_config.init_pos_emb_height") * symbol("vision_config.init_pos_emb_width")
    else:
        grid = (symbol("vision_config.image_size") / p) ** 2
    merged = kh * kw * D
    return {
        "patch_embedding": C * p**2 * D + D,
        "position_embedding": grid * D,
        "vision_encoder": Lv * (4 * D**2 + 2 * D * M + 9 * D + M) + 2 * D,
        "pooling_head": 4 * D**2 + 2 * D * M + 8 * D + M if v.use_head else sp.Integer(0),
        "projector": sp.Integer(0) if text_hidden is None else 2 * D + merged**2 + merged + merged * text_hidden + text_hidden,
    }


def parameter_count_symbolic(config: Mapping[str, Any]) -> ParameterCount[sp.Expr]:
    r"""Every block's parameter count as a closed form in the configuration's symbols, (1)–(3).

    The symbols are the config fields (:func:`config_symbols`): ``hidden_size`` is
    :math:`d`, ``num_attention_heads`` :math:`H`, ``kv_lora_rank`` :math:`d_c`,
    ``n_routed_experts`` :math:`E`, ``num_experts_per_tok`` :math:`k`, …; the vision fields
    carry the prefix ``vision_config.``. Structural choices (``q_lora_rank`` null or not,
    ``tie_word_embeddings``, ``attention_bias``, MoonViT or SigLIP) pick the formula.

    Parameters
    ----------
    config
        A Hugging Face-style config dict: DeepSeek-V3 text, MoonViT/SigLIP vision, or Kimi-VL
        (``text_config`` and ``vision_config``).

    Returns
    -------
    ParameterCount
        SymPy expressions per block, ``.total`` and ``.activated``.

    Raises
    ------
    ValueError, TypeError
        If a field is missing, negative, or the configuration cannot exist (top-k above the
        experts, ``topk_group`` above ``n_group``, heads not dividing the vision width, …).

    Examples
    --------
    >>> c = parameter_count_symbolic({"patch_size": 14, "hidden_size": 8, "num_hidden_layers": 1,
    ...     "num_attention_heads": 2, "intermediate_size": 16, "image_size": 28, "vision_use_head": False})
    >>> c.total.subs(config_symbols({"patch_size": 14, "hidden_size": 8, "num_hidden_layers": 1,
    ...     "num_attention_heads": 2, "intermediate_size": 16, "image_size": 28, "vision_use_head": False}))
    5360
    """
    text, vision = _parts(config)
    zero = sp.Integer(0)
    blocks: dict[str, sp.Expr] = dict.fromkeys(BLOCKS, zero)
    idle = zero
    if text is not None:
        counts = _text_symbolic(text)
        idle = counts.pop("idle")
        blocks |= counts
    if vision is not None:
        blocks |= _vision_symbolic(vision, symbol("hidden_size") if text is not None else None)
    total = sp.Add(*blocks.values())
    return ParameterCount(**blocks, activated=total - idle)                          # (3)


# ---------------------------------------------------------------- numeric twin


def _text_tensors(t: TextConfig) -> Iterator[tuple[str, str, tuple[int, ...], bool]]:
    """(block, name, shape, used by every token) of each weight tensor, in DeepSeek-V3's module names."""
    d, H, dc, dn, dr, dv = t.hidden_size, t.num_attention_heads, t.kv_lora_rank, t.qk_nope_head_dim, t.qk_rope_head_dim, t.v_head_dim
    yield "embeddings", "embed_tokens.weight", (t.vocab_size, d), True
    for layer in range(t.num_hidden_layers):
        at = f"layers.{layer}.self_attn"
        if t.q_lora_rank is None:
            yield "attention", f"{at}.q_proj.weight", (H * (dn + dr), d), True
        else:
            yield "attention", f"{at}.q_a_proj.weight", (t.q_lora_rank, d), True
            yield from [("attention", f"{at}.q_a_proj.bias", (t.q_lora_rank,), True)] * t.attention_bias
            yield "attention", f"{at}.q_a_layernorm.weight", (t.q_lora_rank,), True
            yield "attention", f"{at}.q_b_proj.weight", (H * (dn + dr), t.q_lora_rank), True
        yield "attention", f"{at}.kv_a_proj_with_mqa.weight", (dc + dr, d), True
        yield from [("attention", f"{at}.kv_a_proj_with_mqa.bias", (dc + dr,), True)] * t.attention_bias
        yield "attention", f"{at}.kv_a_layernorm.weight", (dc,), True
        yield "attention", f"{at}.kv_b_proj.weight", (H * (dn + dv), dc), True
        yield "attention", f"{at}.o_proj.weight", (d, H * dv), True
        yield from [("attention", f"{at}.o_proj.bias", (d,), True)] * t.attention_bias
        yield from _mlp_tensors(t, layer)
        yield "norms", f"layers.{layer}.input_layernorm.weight", (d,), True
        yield "norms", f"layers.{layer}.post_attention_layernorm.weight", (d,), True
    yield "norms", "norm.weight", (d,), True
    if not t.tie_word_embeddings:
        yield "lm_head", "lm_head.weight", (t.vocab_size, d), True


def _swiglu(block: str, prefix: str, d: int, width: int, used: bool) -> Iterator[tuple[str, str, tuple[int, ...], bool]]:
    for proj, shape in (("gate_proj", (width, d)), ("up_proj", (width, d)), ("down_proj", (d, width))):
        yield block, f"{prefix}.{proj}.weight", shape, used


def _mlp_tensors(t: TextConfig, layer: int) -> Iterator[tuple[str, str, tuple[int, ...], bool]]:
    d, m, mlp = t.hidden_size, t.moe_intermediate_size, f"layers.{layer}.mlp"
    if not t.is_moe_layer(layer):
        yield from _swiglu("dense_mlp", mlp, d, t.intermediate_size, True)
        return
    experts = t.n_routed_experts or 0
    for j in range(experts):  # all experts have one size: count experts 0..k-1 as the k a token uses  (3)
        yield from _swiglu("routed_experts", f"{mlp}.experts.{j}", d, m, j < t.num_experts_per_tok)
    yield from _swiglu("shared_experts", f"{mlp}.shared_experts", d, m * t.n_shared_experts, True)
    yield "router", f"{mlp}.gate.weight", (experts, d), True
    yield "router", f"{mlp}.gate.e_score_correction_bias", (experts,), True


def parameter_count(config: Mapping[str, Any]) -> ParameterCount[int]:
    """Every block's parameter count, summing the sizes of its weight tensors one module at a time.

    The same configuration and symbols as :func:`parameter_count_symbolic`; this twin lists
    each tensor with its shape (module names of DeepSeek-V3 and MoonViT) and adds up
    ``prod(shape)``. A routed expert counts as activated for the first
    ``num_experts_per_tok`` experts of each MoE layer (all experts have one size).

    Parameters
    ----------
    config
        A Hugging Face-style config dict: DeepSeek-V3 text, MoonViT/SigLIP vision, or Kimi-VL.

    Returns
    -------
    ParameterCount
        Python ints per block, ``.total`` and ``.activated``.

    Raises
    ------
    ValueError, TypeError
        As :func:`parameter_count_symbolic`.

    Examples
    --------
    >>> parameter_count({"patch_size": 14, "hidden_size": 8, "num_hidden_layers": 1,
    ...     "num_attention_heads": 2, "intermediate_size": 16, "image_size": 28, "vision_use_head": False}).total
    5360
    """
    text, vision = _parts(config)
    tensors: list[tuple[str, str, tuple[int, ...], bool]] = []
    if text is not None:
        tensors += _text_tensors(text)
    if vision is not None:
        tensors += vision_tensors(vision, text.hidden_size if text is not None else None)
    blocks = dict.fromkeys(BLOCKS, 0)
    activated = 0
    for block, _name, shape, used in tensors:
        size = math.prod(shape)
        blocks[block] += size
        activated += size if used else 0
    return ParameterCount(**blocks, activated=activated)


# ---------------------------------------------------------------- derivations


def derivations() -> tuple[Derivation, ...]:
    """The verified chains the page renders: MLA's closed form (1), a token's share of an MoE layer (2)–(3), Moonlight's widths.

    Examples
    --------
    >>> [d.verify().status for d in derivations()]
    ['proven', 'proven', 'proven']
    """
    d, H, dc, dn, dr, dv, m, E, k, S, I = (symbol(n) for n in (
        "hidden_size", "num_attention_heads", "kv_lora_rank", "qk_nope_head_dim", "qk_rope_head_dim", "v_head_dim",
        "moe_intermediate_size", "n_routed_experts", "num_experts_per_tok", "n_shared_experts", "intermediate_size"))
    names = {d: "d", H: "H", dc: "d_c", dn: "d_n", dr: "d_r", dv: "d_v", m: "m", E: "E", k: "k", S: "S", I: "I"}
    mla = Derivation(
        "MLA attention of one layer: five tensors collect into (1)",
        [
            Step(H * (dn + dr) * d + (dc + dr) * d + dc + H * (dn + dv) * dc + d * H * dv, "rows × columns of each tensor"),
            Step(d * (H * (dn + dr + dv) + dc + dr) + dc * (H * (dn + dv) + 1), "collect the terms in d and d_c"),
        ],
        lhs_latex="A", names=names,
    )
    token = Derivation(
        "What one token uses of an MoE layer",
        [
            Step(3 * d * m * (E + S) + E * d + E - (E - k) * 3 * d * m, "the layer (2) minus the E − k idle experts"),
            Step(3 * d * m * (S + k) + E * (d + 1), "S + k experts and the router"),
        ],
        lhs_latex=r"M_\text{act}", names=names,
    )
    width = Derivation(
        "Moonlight: a token's experts are as wide as the dense layer",
        [
            Step(3 * d * m * (S + k), "the FFN weights a token uses"),
            Step(sp.Mul(3, d, sp.Add(2, 6, evaluate=False), 1408, evaluate=False), "S = 2, k = 6, m = 1408"),
            Step(3 * d * I, "8 · 1408 = 11264 = I"),
        ],
        where={S: 2, k: 6, m: 1408, I: 11264}, lhs_latex=r"M_\text{FFN}", names=names,
    )
    return (mla, token, width)


# ---------------------------------------------------------------- registry


def _inputs() -> SearchStrategy[dict[str, Any]]:
    from hypothesis import strategies as st

    small = st.integers(1, 6)
    text = st.fixed_dictionaries({
        "hidden_size": small, "num_hidden_layers": st.integers(1, 4), "num_attention_heads": small,
        "kv_lora_rank": small, "q_lora_rank": st.none() | small, "qk_nope_head_dim": small, "qk_rope_head_dim": small,
        "v_head_dim": small, "vocab_size": st.integers(1, 50), "intermediate_size": small,
        "n_routed_experts": st.integers(1, 8), "moe_intermediate_size": small, "num_experts_per_tok": st.just(1),
        "n_shared_experts": st.integers(0, 2), "first_k_dense_replace": st.integers(0, 1), "moe_layer_freq": st.integers(1, 3),
        "tie_word_embeddings": st.booleans(), "attention_bias": st.booleans(),
    })
    vision = st.fixed_dictionaries({
        "hidden_size": st.sampled_from([4, 8, 12]), "num_attention_heads": st.just(4), "num_hidden_layers": st.integers(1, 3),
        "intermediate_size": small, "patch_size": st.integers(1, 4), "init_pos_emb_height": small, "init_pos_emb_width": small,
    })
    return st.one_of(text, vision, st.fixed_dictionaries({"text_config": text, "vision_config": vision}))


def _symbolic(example: dict[str, Any]) -> list[int]:
    c = parameter_count_symbolic(example)
    values = config_symbols(example)
    return [int(c.total.xreplace(values)), int(c.activated.xreplace(values))]


def _numeric(example: dict[str, Any]) -> list[int]:
    c = parameter_count(example)
    return [c.total, c.activated]


CONCEPTS = (
    Concept(
        name="parameter-count",
        area="models",
        symbolic=_symbolic,
        numeric=_numeric,
        inputs=_inputs,
        tolerance=Tolerance(rtol=0.0, atol=0.0, why="counts are integers, equal exactly"),
        references=REFERENCES,
        page="models/kimi-vl.md",
    ),
)
