/** GLUE metrics ({@link org.kd4j.eval.Metric}) and their computation from predictions and gold labels. */
package org.kd4j.eval;
