/**
 * Output for notebooks and reports, free of any notebook dependency: {@link org.kd4j.display.HtmlTable} renders a
 * table (built here or read from kd4j's Markdown tables) as HTML, {@link org.kd4j.display.ProgressLine} formats
 * progress as one line of text or HTML that a notebook cell redraws in place, {@link org.kd4j.display.Png} turns
 * images (charts of {@code org.kd4j.plot}, a run's PNG files) into PNG bytes, inline HTML and back. A Jupyter kernel shows the strings
 * with its own display call (for rapaio-jupyter-kernel, {@code display("text/html", html)}); see
 * {@code notebooks/README.md}.
 */
package org.kd4j.display;
