/**
 * Small helpers shared by the packages: {@link org.kd4j.util.AtomicFiles}, through which every data, model and
 * cache file is written.
 */
package org.kd4j.util;
