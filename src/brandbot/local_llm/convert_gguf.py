"""Converts a GGUF checkpoint to a Hugging Face model directory that vLLM can serve on the CPU.

Runs with the local LLM environment's Python (it needs transformers, gguf and accelerate),
so it imports nothing from brandbot. vLLM cannot load GGUF on the CPU itself.
Usage: python convert_gguf.py GGUF_FILE OUTPUT_DIR
"""

import sys
from pathlib import Path

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer, GgufConfig


def main() -> None:
    gguf_file, output = Path(sys.argv[1]), Path(sys.argv[2])
    tokenizer = AutoTokenizer.from_pretrained(gguf_file.parent, gguf_file=gguf_file.name)
    model = AutoModelForCausalLM.from_pretrained(
        gguf_file.parent,
        gguf_file=gguf_file.name,
        quantization_config=GgufConfig(dequantize=True),
        dtype=torch.bfloat16,
    )
    model.save_pretrained(output)
    tokenizer.save_pretrained(output)


if __name__ == "__main__":
    main()
