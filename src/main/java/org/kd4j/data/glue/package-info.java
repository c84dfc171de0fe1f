/**
 * GLUE and SuperGLUE tasks in their official file layouts: which files a task has
 * ({@link org.kd4j.data.glue.GlueTask}, {@link org.kd4j.data.glue.SplitSpec}), the DataVec record reader that
 * parses them strictly ({@link org.kd4j.data.glue.GlueRecordReader}) and the loaded examples
 * ({@link org.kd4j.data.glue.GlueDataset}, {@link org.kd4j.data.glue.Example}).
 */
package org.kd4j.data.glue;
