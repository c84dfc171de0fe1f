/**
 * The run directory: what a finished distillation run leaves for users and JVM applications (the student's
 * SameDiff file, its tokenizer, labels, resolved config, metrics, provenance, report), written last-file-marks-done
 * so a crashed run is never mistaken for a finished one.
 */
package org.kd4j.run;
