"""Live and recorded traffic held to the contract: the validating proxy and `contract verify`."""
