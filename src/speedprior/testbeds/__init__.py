"""Deception testbeds: honest programs, misbehaving variants with measured ground truth, and selection under priors."""
