//! [`FailureSwitch`]: a real failure of a database that a test turns on and off. A switch
//! table and a trigger that, while the switch is on, fails every insert into one table
//! (SQLite `RAISE(ABORT)`, Postgres `RAISE EXCEPTION`): the failure comes from the database
//! itself, inside the writer's own transaction, as a full disk or a constraint would.

use sqlx::{AnyConnection, AssertSqlSafe, Connection};

/// The error text the trigger raises.
pub const INJECTED: &str = "injected failure";

/// A switch and its trigger, installed in one database.
#[derive(Debug)]
pub struct FailureSwitch {
    url: String,
}

impl FailureSwitch {
    /// Installs, in the database at `url` (`sqlite://<path>` or `postgres://...`), the switch
    /// (off) and a trigger failing every insert into `table` while it is on.
    pub async fn install(url: &str, table: &str) -> Self {
        Self::install_when(url, table, "1 = 1").await
    }

    /// [`FailureSwitch::install`], the trigger failing only the inserts for which the SQL
    /// condition `condition` (over `NEW` and the database's tables) holds as well.
    pub async fn install_when(url: &str, table: &str, condition: &str) -> Self {
        let fails = format!("(SELECT armed FROM failure_switch) = 1 AND ({condition})");
        let trigger = if url.starts_with("postgres") {
            format!(
                "CREATE FUNCTION fail_while_armed() RETURNS trigger LANGUAGE plpgsql AS $$
                 BEGIN
                     IF {fails} THEN RAISE EXCEPTION '{INJECTED}'; END IF;
                     RETURN NEW;
                 END $$;
                 CREATE TRIGGER fail_while_armed BEFORE INSERT ON {table}
                 FOR EACH ROW EXECUTE FUNCTION fail_while_armed();"
            )
        } else {
            format!(
                "CREATE TRIGGER fail_while_armed BEFORE INSERT ON {table} WHEN {fails}
                 BEGIN SELECT RAISE(ABORT, '{INJECTED}'); END;"
            )
        };
        let switch = Self {
            url: url.to_owned(),
        };
        switch
            .execute(format!(
                "CREATE TABLE failure_switch (armed INTEGER NOT NULL);
                 INSERT INTO failure_switch VALUES (0);
                 {trigger}"
            ))
            .await;
        switch
    }

    /// Turns the failure on: every insert into the table fails from now on.
    pub async fn arm(&self) {
        self.execute("UPDATE failure_switch SET armed = 1".to_owned())
            .await;
    }

    /// Turns the failure off.
    pub async fn disarm(&self) {
        self.execute("UPDATE failure_switch SET armed = 0".to_owned())
            .await;
    }

    /// Runs `statements` on a connection of its own.
    async fn execute(&self, statements: String) {
        sqlx::any::install_default_drivers();
        let done = async {
            let mut connection = AnyConnection::connect(&self.url).await?;
            sqlx::raw_sql(AssertSqlSafe(statements))
                .execute(&mut connection)
                .await?;
            connection.close().await
        };
        if let Err(error) = done.await {
            panic!("the failure switch at {}: {error}", self.url);
        }
    }
}
