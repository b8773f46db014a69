package io.github.gdln.api;

/**
 * A parameter of a component (task, gating scheme, architecture) that is missing, of the wrong type or out of range.
 * Names the owner, the key and the value, so that a configuration front end can point at the very setting (e.g.
 * {@code gating.K = 99 (command line): must be in 1..7 (the number of domains)}).
 */
public final class ParamException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String owner;
    private final String key;
    private final transient Object value;
    private final String reason;

    /**
     * @param owner  what the parameters configure (e.g. {@code "gating routing"}), as in {@link Params#owner()}
     * @param key    the parameter
     * @param value  its value, or null when it is missing
     * @param reason what is wrong, e.g. {@code must be >= 1}
     */
    public ParamException(String owner, String key, Object value, String reason) {
        super(owner + ": parameter '" + key + "'" + (value == null ? "" : " = " + value) + " " + reason);
        this.owner = owner;
        this.key = key;
        this.value = value;
        this.reason = reason;
    }

    public String owner() {
        return owner;
    }

    public String key() {
        return key;
    }

    /** The offending value, or null when it is missing. */
    public Object value() {
        return value;
    }

    /** What is wrong, without the owner, key and value. */
    public String reason() {
        return reason;
    }
}
