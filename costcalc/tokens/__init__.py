"""Token counting as OpenAI bills it: text, chat messages, tool definitions and images, offline."""
