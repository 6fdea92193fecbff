"""Parser: bytes in any format → the contract report."""
