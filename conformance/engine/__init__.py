"""`contract conform`: Schemathesis' engine driven against a live implementation, under one request gate."""
