"""Small catalogs built in the perf tests (independent of catalog/data edits); no tests here."""

from __future__ import annotations

from studio.domain.catalog import Catalog


def rec(slug: str, kind: str, **specs) -> dict:
    return {"slug": slug, "kind": kind, "name": slug, "vendor": "test", "source": "test", "confidence": "M",
            "specs": specs}


H100 = rec("h100", "accelerator", family="hopper", memory_gb=80, memory_bandwidth_tb_s=3.35, bf16_dense_tflops=989.4,
           fp8_dense_tflops=1978.9, scale_up_bandwidth_gb_s=900, tdp_w=700)
DGX = rec("dgx", "system", form_factor="server", accelerator="h100", accelerators=8, scale_up_domain=8, u_height=8,
          power_max_w=10200, power_typical_w=7500, compute_ports=8, compute_port_gbps=400)
DGX["price"] = {"list_usd": 300_000, "currency": "USD", "date": "2025-01", "source": "test", "confidence": "M"}
QM9700 = rec("qm9700", "switch", protocol="infiniband", ports=64, port_speed_gbps=400)
LLAMA2_70B = rec("llama-2-70b", "model", params_total_b=68.98, params_active_b=68.98, layers=80, hidden=8192, heads=64,
                 kv_heads=8, head_dim=128, ffn=28672, vocab=32000, max_context=4096, attention="gqa")
LLAMA2_7B = rec("llama-2-7b", "model", params_total_b=6.74, params_active_b=6.74, layers=32, hidden=4096, heads=32,
                kv_heads=32, head_dim=128, ffn=11008, vocab=32000, max_context=4096, attention="mha")
DEEPSEEK_V3 = rec("deepseek-v3", "model", params_total_b=671, params_active_b=37, layers=61, hidden=7168, heads=128,
                  kv_heads=128, head_dim=128, ffn=18432, vocab=129280, max_context=131072, attention="mla",
                  experts=256, experts_active=8, shared_experts=1, moe_ffn=2048, dense_layers=3, kv_lora_rank=512,
                  rope_dim=64)
MIXTRAL = rec("mixtral-8x7b", "model", params_total_b=46.7, params_active_b=12.9, layers=32, hidden=4096, heads=32,
              kv_heads=8, head_dim=128, ffn=14336, vocab=32000, max_context=32768, attention="gqa", experts=8,
              experts_active=2, moe_ffn=14336)


def small_catalog() -> Catalog:
    return Catalog.from_records([H100, DGX, QM9700, LLAMA2_70B, LLAMA2_7B, DEEPSEEK_V3, MIXTRAL])
