"""Format adapters: bytes → blocks."""
