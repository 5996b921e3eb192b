#include "mainwindow.h"

#include <QLabel>
#include <QPlainTextEdit>
#include <QStatusBar>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

namespace {
QString kindName(Change::Kind kind)
{
    switch (kind) {
    case Change::Kind::Account:
        return u"account"_s;
    case Change::Kind::Service:
        return u"service"_s;
    case Change::Kind::PhoneNumber:
        return u"phone number"_s;
    case Change::Kind::Session:
        return u"session"_s;
    case Change::Kind::Participant:
        return u"participant"_s;
    case Change::Kind::Interaction:
        return u"interaction"_s;
    case Change::Kind::DebuggerEvent:
        return u"debugger event"_s;
    }
    return {};
}
} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
{
    setWindowTitle(tr("Maskline"));
    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    m_credentials = new QLabel(tr("Starting the engine…"), central);
    m_credentials->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_activity = new QPlainTextEdit(central);
    m_activity->setReadOnly(true);
    m_activity->setMaximumBlockCount(1000);
    layout->addWidget(m_credentials);
    layout->addWidget(m_activity);
    setCentralWidget(central);
    m_status = new QLabel(this);
    statusBar()->addPermanentWidget(m_status);
    resize(1000, 700);
}

MainWindow::~MainWindow() = default;

void MainWindow::handleEngineStarted(const QString &listenUrl, const Account &account)
{
    m_status->setText(tr("Listening on %1 · carrier: simulator").arg(listenUrl));
    m_credentials->setText(tr("Account SID: %1\nAuth token: %2\nPoint a Twilio helper library at REST API by setting "
                              "client.proxy.baseUrl = '%3'.")
                               .arg(account.sid, account.authToken, listenUrl));
}

void MainWindow::handleEngineFailed(const QString &message)
{
    m_credentials->setText(tr("The engine could not start: %1").arg(message));
    m_status->setText(tr("Engine stopped"));
}

void MainWindow::handleChanges(const QList<Change> &changes)
{
    for (const Change &c : changes) {
        const QString op = c.op == Change::Op::Added ? tr("added") : c.op == Change::Op::Removed ? tr("removed")
                                                                                                 : tr("updated");
        m_activity->appendPlainText(u"%1 %2 %3"_s.arg(kindName(c.kind), c.sid, op));
    }
}

} // namespace Maskline
