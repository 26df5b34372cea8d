# Runtime image for every role; build the jar first with ./trackflow build.
FROM eclipse-temurin:21-jre
WORKDIR /opt/trackflow
COPY server/target/trackflow.jar /opt/trackflow/trackflow.jar
ENV TRACKFLOW_DATA_DIR=/var/lib/trackflow
VOLUME /var/lib/trackflow
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/trackflow/trackflow.jar"]
