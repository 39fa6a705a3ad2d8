"""Looking inside models (background/004): Boolean circuits compiled into exact ReLU networks,
function-preserving scrambles, representation similarity (CKA, affine fits), an interpreter that reads
gate types from weights, sparse autoencoders and fine-tuning attribution, prompt retrodiction."""
