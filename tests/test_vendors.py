"""Bills from the payloads of the vendors and clouds beyond OpenAI, Anthropic and Gemini, one
module each in ``costcalc.providers``.

Every payload follows its vendor's documented response shape (the Bedrock ones go through
botocore's own response parser, so they are exactly what boto3 returns; the OpenAI-compatible
ones through the OpenAI SDK's types where the vendor's users do so), and every expected cost is
worked out by hand in a comment from the rates in ``costcalc/data/<vendor>.toml``.
"""

from __future__ import annotations

from anthropic.types import Message

import costcalc as cc

# -- detection --------------------------------------------------------------------------------------


def test_an_anthropic_sdk_message_is_not_read_as_openai() -> None:
    # The Anthropic SDK dumps output_tokens_details (null) in a Message's usage.
    message = Message.model_validate(
        {
            "id": "msg_01",
            "type": "message",
            "role": "assistant",
            "model": "claude-sonnet-4-5-20250929",
            "content": [],
            "stop_reason": "end_turn",
            "stop_sequence": None,
            "usage": {"input_tokens": 10, "output_tokens": 2},
        }
    )
    assert "output_tokens_details" in message.model_dump()["usage"]
    assert cc.detect_shape(message) == "anthropic"
