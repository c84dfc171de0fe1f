package org.kd4j.model;

/** The feed-forward activation of a transformer. */
public enum Activation {
    /** ND4J's {@code gelu}: {@code x * sigmoid(1.702 x)}, the fast approximation native models are trained with. */
    GELU_SIGMOID,
    /** Exact GELU, {@code 0.5 x (1 + erf(x / sqrt 2))}: BERT, MiniLM, bge ({@code hidden_act: gelu}). */
    GELU,
    /** The tanh approximation, {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))} ({@code gelu_new}, {@code gelu_pytorch_tanh}). */
    GELU_TANH,
    /** {@code max(0, x)}. */
    RELU
}
