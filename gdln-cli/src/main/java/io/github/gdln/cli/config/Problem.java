package io.github.gdln.cli.config;

/**
 * One problem found in a composed configuration.
 *
 * @param key        the dotted key, e.g. {@code trainer.learning-rate}
 * @param value      the value as written (rendered), or empty when the key is missing
 * @param origin     where the value came from: {@code file:line}, a classpath resource and line, or
 *                   {@code command line}
 * @param message    what is wrong, e.g. {@code must be > 0}
 * @param suggestion the nearest valid key for a misspelt one, or empty
 */
public record Problem(String key, String value, String origin, String message, String suggestion) {
    /** One line for the user. */
    public String describe() {
        StringBuilder sb = new StringBuilder(key);
        if (!value.isEmpty()) {
            sb.append(" = ").append(value);
        }
        if (!origin.isEmpty()) {
            sb.append("  (").append(origin).append(')');
        }
        sb.append(": ").append(message);
        if (!suggestion.isEmpty()) {
            sb.append("; did you mean '").append(suggestion).append("'?");
        }
        return sb.toString();
    }
}
