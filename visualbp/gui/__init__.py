"""The Qt GUI: observes the core's engine and never computes a gradient itself."""
