"""Reading and checking the configuration dicts that ``refalgo.models.parameters`` counts.

A configuration is a Hugging Face-style ``config.json`` read as a dict. This module tells
which of three kinds it is (a DeepSeek-V3 text config, a ViT vision config, or a Kimi-VL
config holding both), reads every field the parameter count needs, and refuses
configurations that cannot exist, naming the field. Both twins of the concept module read
their numbers through here, so a configuration means the same to both.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import sympy as sp

from ..._validate import as_count, as_flag

__all__ = ["TextConfig", "VisionConfig", "config_kind", "read_text_config", "read_vision_config", "symbol", "vision_tensors"]

TEXT_FIELDS = (
    "hidden_size", "num_hidden_layers", "num_attention_heads", "kv_lora_rank", "q_lora_rank",
    "qk_nope_head_dim", "qk_rope_head_dim", "v_head_dim", "vocab_size", "intermediate_size",
    "n_routed_experts", "moe_intermediate_size", "num_experts_per_tok", "n_shared_experts",
    "first_k_dense_replace",
)
VISION_FIELDS = ("hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size", "patch_size")


@dataclass(frozen=True)
class TextConfig:
    """The fields of a DeepSeek-V3 text config that fix its parameter count, checked."""

    hidden_size: int
    num_hidden_layers: int
    num_attention_heads: int
    kv_lora_rank: int
    q_lora_rank: int | None
    qk_nope_head_dim: int
    qk_rope_head_dim: int
    v_head_dim: int
    vocab_size: int
    intermediate_size: int
    n_routed_experts: int | None
    moe_intermediate_size: int
    num_experts_per_tok: int
    n_shared_experts: int
    first_k_dense_replace: int
    moe_layer_freq: int
    tie_word_embeddings: bool
    attention_bias: bool

    def symbol_values(self) -> dict[str, int]:
        """Each count-fixing field that is set, by name: the values of the symbolic count's symbols."""
        names = ("hidden_size", "num_hidden_layers", "num_attention_heads", "kv_lora_rank", "q_lora_rank",
                 "qk_nope_head_dim", "qk_rope_head_dim", "v_head_dim", "vocab_size", "intermediate_size",
                 "n_routed_experts", "moe_intermediate_size", "num_experts_per_tok", "n_shared_experts",
                 "first_k_dense_replace", "moe_layer_freq")
        return {name: getattr(self, name) for name in names if getattr(self, name) is not None}

    def is_moe_layer(self, layer: int) -> bool:
        """DeepSeek's rule: a layer is MoE when experts exist, it is past the dense ones, and its index is a multiple of ``moe_layer_freq``."""
        return self.n_routed_experts is not None and layer >= self.first_k_dense_replace and layer % self.moe_layer_freq == 0


@dataclass(frozen=True)
class VisionConfig:
    """The fields of a ViT vision config (MoonViT or SigLIP) that fix its parameter count, checked."""

    hidden_size: int
    num_hidden_layers: int
    num_attention_heads: int
    intermediate_size: int
    patch_size: int
    num_channels: int
    position_grid: tuple[int, int]
    moonvit: bool
    image_size: int | None
    use_head: bool
    merge_kernel_size: tuple[int, int]

    def symbol_values(self) -> dict[str, int]:
        """Each count-fixing field by name (``merge_kernel_size[0]``, …): the values of the symbolic count's symbols."""
        values = {"hidden_size": self.hidden_size, "num_hidden_layers": self.num_hidden_layers,
                  "intermediate_size": self.intermediate_size, "patch_size": self.patch_size,
                  "num_channels": self.num_channels, "merge_kernel_size[0]": self.merge_kernel_size[0],
                  "merge_kernel_size[1]": self.merge_kernel_size[1]}
        if self.moonvit:
            return values | {"init_pos_emb_height": self.position_grid[0], "init_pos_emb_width": self.position_grid[1]}
        return values | {"image_size": self.image_size or 0}


def config_kind(config: Any) -> str:
    """``"kimi-vl"``, ``"text"`` or ``"vision"``; a ValueError naming what a config needs otherwise."""
    if not isinstance(config, Mapping):
        raise TypeError(f"config: expected a dict (a Hugging Face config.json); got {type(config).__name__}")
    if "text_config" in config or "vision_config" in config:
        for part in ("text_config", "vision_config"):
            if not isinstance(config.get(part), Mapping):
                raise TypeError(f"config['{part}']: expected a dict (a Kimi-VL config has text_config and vision_config); got {config.get(part)!r}"[:200])
        return "kimi-vl"
    if "kv_lora_rank" in config:
        return "text"
    if "patch_size" in config:
        return "vision"
    raise ValueError(
        "config: expected a DeepSeek-V3 text config (with kv_lora_rank), a vision config (with patch_size) "
        f"or a Kimi-VL config (with text_config and vision_config); got the keys {sorted(config)[:12]}"
    )


def _field(config: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in config:
        raise ValueError(f"{where}['{key}']: expected this field; it is missing")
    return config[key]


def _count(config: Mapping[str, Any], key: str, where: str, *, minimum: int = 1, default: Any = ...) -> int:
    value = _field(config, key, where) if default is ... else config.get(key, default)
    return as_count(value, f"{where}['{key}']", minimum=minimum)


def _optional_count(config: Mapping[str, Any], key: str, where: str, minimum: int) -> int | None:
    value = _field(config, key, where)
    return None if value is None else as_count(value, f"{where}['{key}']", minimum=minimum)


def read_text_config(config: Mapping[str, Any], where: str = "config") -> TextConfig:
    """Every count-fixing field of a DeepSeek-V3 text config, checked; ``where`` names it in errors."""
    for key in TEXT_FIELDS:
        _field(config, key, where)
    c = {key: _count(config, key, where) for key in TEXT_FIELDS if key not in ("q_lora_rank", "n_routed_experts", "n_shared_experts", "first_k_dense_replace")}
    experts = _optional_count(config, "n_routed_experts", where, 1)
    shared = 0 if config["n_shared_experts"] is None else _count(config, "n_shared_experts", where, minimum=0)
    first_dense = _count(config, "first_k_dense_replace", where, minimum=0)
    if first_dense > c["num_hidden_layers"]:
        raise ValueError(f"{where}['first_k_dense_replace']: expected at most num_hidden_layers = {c['num_hidden_layers']}; got {first_dense}")
    if experts is not None:
        _check_routing(config, where, experts, c["num_experts_per_tok"])
    return TextConfig(
        q_lora_rank=_optional_count(config, "q_lora_rank", where, 1),
        n_routed_experts=experts,
        n_shared_experts=shared,
        first_k_dense_replace=first_dense,
        moe_layer_freq=_count(config, "moe_layer_freq", where, default=1),
        tie_word_embeddings=as_flag(config.get("tie_word_embeddings", False), f"{where}['tie_word_embeddings']"),
        attention_bias=as_flag(config.get("attention_bias", False), f"{where}['attention_bias']"),
        **c,
    )


def _check_routing(config: Mapping[str, Any], where: str, experts: int, top_k: int) -> None:
    """Group-limited top-k must be able to pick ``top_k`` experts: k ≤ E, n_group | E, topk_group ≤ n_group, k ≤ topk_group·E/n_group."""
    if top_k > experts:
        raise ValueError(f"{where}['num_experts_per_tok']: expected at most n_routed_experts = {experts}; got {top_k}")
    groups = _count(config, "n_group", where, default=1) if config.get("n_group") is not None else 1
    chosen = _count(config, "topk_group", where, default=1) if config.get("topk_group") is not None else 1
    if experts % groups:
        raise ValueError(f"{where}['n_routed_experts']: expected a multiple of n_group = {groups}; got {experts}")
    if chosen > groups:
        raise ValueError(f"{where}['topk_group']: expected at most n_group = {groups}; got {chosen}")
    if top_k > chosen * (experts // groups):
        raise ValueError(
            f"{where}['num_experts_per_tok']: expected at most topk_group · n_routed_experts / n_group = "
            f"{chosen * (experts // groups)} (the experts of the chosen groups); got {top_k}"
        )


def _pair(value: Any, name: str) -> tuple[int, int]:
    if isinstance(value, (list, tuple)) and len(value) == 2:
        return (as_count(value[0], f"{name}[0]"), as_count(value[1], f"{name}[1]"))
    raise ValueError(f"{name}: expected two positive integers [height, width]; got {value!r}"[:200])


def read_vision_config(config: Mapping[str, Any], where: str = "config") -> VisionConfig:
    """Every count-fixing field of a MoonViT or SigLIP vision config, checked; ``where`` names it in errors.

    MoonViT (a config with ``init_pos_emb_height``) learns a ``height × width`` grid of
    position embeddings; SigLIP (a config with ``image_size``) one per patch of its square
    image, and by default (``vision_use_head``) an attention-pooling head.
    """
    c = {key: _count(config, key, where) for key in VISION_FIELDS}
    if c["hidden_size"] % c["num_attention_heads"]:
        raise ValueError(f"{where}['hidden_size']: expected a multiple of num_attention_heads = {c['num_attention_heads']}; got {c['hidden_size']}")
    moonvit = "init_pos_emb_height" in config or "init_pos_emb_width" in config
    merge = _pair(config.get("merge_kernel_size", [2, 2]), f"{where}['merge_kernel_size']")
    if moonvit:
        grid = (_count(config, "init_pos_emb_height", where), _count(config, "init_pos_emb_width", where))
        image_size, use_head = None, False
    else:
        image_size = _count(config, "image_size", where)
        if image_size % c["patch_size"]:
            raise ValueError(f"{where}['image_size']: expected a multiple of patch_size = {c['patch_size']}; got {image_size}")
        grid = (image_size // c["patch_size"],) * 2
        use_head = as_flag(config.get("vision_use_head", True), f"{where}['vision_use_head']")
    return VisionConfig(
        num_channels=_count(config, "num_channels", where, default=3),
        position_grid=grid,
        moonvit=moonvit,
        image_size=image_size,
        use_head=use_head,
        merge_kernel_size=merge,
        **c,
    )


_MAY_BE_ZERO = ("n_shared_experts", "first_k_dense_replace")


def symbol(name: str) -> sp.Symbol:
    """The SymPy symbol of a config field: an integer, positive unless the field may be 0."""
    if name in _MAY_BE_ZERO:
        return sp.Symbol(name, integer=True, nonnegative=True)
    return sp.Symbol(name, integer=True, positive=True)


def vision_tensors(v: VisionConfig, text_hidden: int | None) -> Iterator[tuple[str, str, tuple[int, ...], bool]]:
    """(block, name, shape, used) of each tensor of the ViT, in MoonViT's module names, then the projector."""
    D, M, p = v.hidden_size, v.intermediate_size, v.patch_size
    yield "patch_embedding", "patch_embed.proj.weight", (D, v.num_channels, p, p), True
    yield "patch_embedding", "patch_embed.proj.bias", (D,), True
    yield "position_embedding", "patch_embed.pos_emb.weight", (*v.position_grid, D), True
    for layer in range(v.num_hidden_layers):
        blk = f"encoder.blocks.{layer}"
        for name, shape in (("norm0.weight", (D,)), ("norm0.bias", (D,)), ("wqkv.weight", (3 * D, D)), ("wqkv.bias", (3 * D,)),
                            ("wo.weight", (D, D)), ("wo.bias", (D,)), ("norm1.weight", (D,)), ("norm1.bias", (D,)),
                            ("mlp.fc0.weight", (M, D)), ("mlp.fc0.bias", (M,)), ("mlp.fc1.weight", (D, M)), ("mlp.fc1.bias", (D,))):
            yield "vision_encoder", f"{blk}.{name}", shape, True
    yield "vision_encoder", "encoder.final_layernorm.weight", (D,), True
    yield "vision_encoder", "encoder.final_layernorm.bias", (D,), True
    if v.use_head:  # SigLIP's attention-pooling head
        head: tuple[tuple[str, tuple[int, ...]], ...] = (("probe", (1, 1, D)), ("attention.in_proj_weight", (3 * D, D)), ("attention.in_proj_bias", (3 * D,)),
                            ("attention.out_proj.weight", (D, D)), ("attention.out_proj.bias", (D,)), ("layernorm.weight", (D,)),
                            ("layernorm.bias", (D,)), ("mlp.fc1.weight", (M, D)), ("mlp.fc1.bias", (M,)),
                            ("mlp.fc2.weight", (D, M)), ("mlp.fc2.bias", (D,)))
        for name, head_shape in head:
            yield "pooling_head", f"head.{name}", head_shape, True
    if text_hidden is not None:
        merged = D * v.merge_kernel_size[0] * v.merge_kernel_size[1]
        for name, shape in (("pre_norm.weight", (D,)), ("pre_norm.bias", (D,)), ("linear_1.weight", (merged, merged)),
                            ("linear_1.bias", (merged,)), ("linear_2.weight", (text_hidden, merged)), ("linear_2.bias", (text_hidden,))):
            yield "projector", f"multi_modal_projector.{name}", shape, True
