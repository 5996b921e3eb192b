#pragma once

#include "proxy/types.h"

#include <QMainWindow>

class QLabel;
class QPlainTextEdit;

namespace Maskline {

// The operator console's main window. The engine runs on its own thread; this window only receives its signals.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

public Q_SLOTS:
    void handleEngineStarted(const QString &listenUrl, const Maskline::Account &account);
    void handleEngineFailed(const QString &message);
    void handleChanges(const QList<Maskline::Change> &changes);

private:
    QLabel *m_status = nullptr;
    QLabel *m_credentials = nullptr;
    QPlainTextEdit *m_activity = nullptr;
};

} // namespace Maskline
