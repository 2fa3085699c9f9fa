"""Serving the lab: the production start, nginx replicas, and a websocket-protocol client."""
