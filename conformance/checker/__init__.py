"""The one exchange checker: the kit's checks on one request/response pair, with no test runner.

`contract conform`, pytest mode, the proxy and `contract verify` all feed it `Exchange`s.
"""
